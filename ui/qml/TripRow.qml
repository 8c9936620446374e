import QtQuick

// One trip in the list: when it started and its summary figures, all
// formatted by the model.
Rectangle {
    id: root

    required property int index
    required property string tripId
    required property string startedText
    required property string distanceText
    required property string durationText
    required property string averageSpeedText
    required property string topSpeedText
    required property string consumptionText
    required property bool recording

    objectName: "tripRow" + index
    implicitHeight: Math.max(Theme.touchTarget, content.implicitHeight + 2 * Theme.spacing)
    radius: Theme.radius
    color: Theme.surface

    Column {
        id: content

        anchors.left: parent.left
        anchors.right: distanceLabel.left
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: Theme.margin
        spacing: Math.round(4 * Theme.dp)

        Row {
            id: startedRow

            spacing: Theme.spacing

            UiText {
                id: startedLabel

                objectName: "tripStartedLabel"
                text: root.startedText
                font.pixelSize: Theme.titleTextSize
                font.bold: true
            }

            UiText {
                id: recordingLabel

                anchors.baseline: startedLabel.baseline
                visible: root.recording
                text: qsTr("Recording")
                color: Theme.recording
                font.bold: true
            }
        }

        UiText {
            id: figuresLabel

            objectName: "tripFiguresLabel"
            width: parent.width
            elide: Text.ElideRight
            color: Theme.secondaryText
            text: root.consumptionText === ""
                ? qsTr("%1 · average %2 · top %3")
                    .arg(root.durationText).arg(root.averageSpeedText).arg(root.topSpeedText)
                : qsTr("%1 · average %2 · top %3 · %4")
                    .arg(root.durationText).arg(root.averageSpeedText)
                    .arg(root.topSpeedText).arg(root.consumptionText)
        }
    }

    UiText {
        id: distanceLabel

        objectName: "tripDistanceLabel"
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.rightMargin: Theme.margin
        text: root.distanceText
        font.pixelSize: Theme.valueTextSize
        font.bold: true
    }
}
