import QtQuick

// A configuration error the driver or integrator must see, such as a DBC
// file that failed to load.
Rectangle {
    id: root

    required property string message
    required property int count

    implicitHeight: column.implicitHeight + 2 * Theme.spacing
    color: Theme.warningSurface
    border.color: Theme.warning
    border.width: Math.max(1, Math.round(2 * Theme.dp))
    radius: Theme.radius

    Accessible.role: Accessible.AlertMessage
    Accessible.name: messageText.text

    Column {
        id: column

        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.margin

        UiText {
            id: messageText

            objectName: "configErrorLabel"
            width: parent.width
            text: qsTr("Configuration error: %1").arg(root.message)
            color: Theme.warning
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }

        UiText {
            id: moreText

            visible: root.count > 1
            width: parent.width
            text: qsTr("and %n more", "", root.count - 1)
            color: Theme.warning
        }
    }
}
