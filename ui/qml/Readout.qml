import QtQuick

// One labelled vehicle reading. A stale reading shows a dimmed dash in
// place of its value, so an old number is never read as current.
Rectangle {
    id: root

    required property string label
    required property string valueText
    required property string unit
    required property bool stale

    implicitHeight: column.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.surface

    Column {
        id: column

        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.spacing
        spacing: Math.round(4 * Theme.dp)

        UiText {
            id: labelText

            objectName: root.objectName + "Label"
            width: parent.width
            text: root.label
            color: Theme.secondaryText
            elide: Text.ElideRight
        }

        Row {
            id: valueRow

            spacing: Math.round(6 * Theme.dp)

            UiText {
                id: valueText

                objectName: root.objectName + "Value"
                text: root.stale ? "–" : root.valueText
                color: root.stale ? Theme.staleText : Theme.text
                font.pixelSize: Theme.valueTextSize
                font.bold: true
            }

            UiText {
                id: unitText

                anchors.baseline: valueText.baseline
                text: root.stale ? qsTr("No signal") : root.unit
                color: root.stale ? Theme.staleText : Theme.secondaryText
            }
        }
    }
}
