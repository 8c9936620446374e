import QtQuick

// One row of the trips list: a trip with its figures, or a charging
// session. Every text is formatted by the model; gaps in a trip's data
// are shown in the warning colour.
Rectangle {
    id: root

    required property int index
    required property string tripId
    required property string kind
    required property string timeText
    required property string distanceText
    required property string durationText
    required property string averageSpeedText
    required property string perHundredText
    required property string eventsText
    required property string gapsText
    required property string purposeText
    required property string energyAddedText
    required property string socText
    required property string chargeTypeText
    required property string costText
    required property bool recording
    // Trips open their detail view while the policy allows a deeper level.
    property bool openable: false

    signal opened(string tripId)

    readonly property bool isCharge: root.kind === "charging"

    objectName: (root.isCharge ? "chargeRow" : "tripRow") + root.index
    implicitHeight: Math.max(Theme.touchTarget, content.implicitHeight + 2 * Theme.spacing)
    radius: Theme.radius
    color: Theme.surface
    border.color: root.isCharge ? Theme.accent : Theme.surface
    border.width: Math.round(2 * Theme.dp)

    Accessible.role: Accessible.Button
    Accessible.name: root.timeText

    Column {
        id: content

        anchors.left: parent.left
        anchors.right: valueLabel.left
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.spacing
        spacing: Math.round(4 * Theme.dp)

        Row {
            id: titleRow

            spacing: Theme.spacing

            UiText {
                id: timeLabel

                objectName: "tripTimeLabel"
                text: root.timeText
                font.bold: true
            }

            UiText {
                id: kindLabel

                anchors.baseline: timeLabel.baseline
                visible: root.isCharge || root.recording || root.purposeText !== ""
                text: root.isCharge
                    ? (root.recording ? qsTr("Charging now") : qsTr("Charged %1").arg(root.chargeTypeText))
                    : (root.recording ? qsTr("Recording") : root.purposeText)
                color: root.recording ? Theme.recording : Theme.secondaryText
                font.bold: root.recording
            }
        }

        UiText {
            id: figuresLabel

            objectName: "tripFiguresLabel"
            width: parent.width
            elide: Text.ElideRight
            color: Theme.secondaryText
            text: root.isCharge
                ? [root.durationText, root.socText, root.costText].filter(t => t !== "").join(" · ")
                : [root.durationText, qsTr("average %1").arg(root.averageSpeedText),
                   root.perHundredText, root.eventsText]
                    .filter(t => t !== "").join(" · ")
        }

        UiText {
            id: gapsLabel

            objectName: "tripGapsLabel"
            width: parent.width
            visible: root.gapsText !== ""
            elide: Text.ElideRight
            text: root.gapsText
            color: Theme.warning
        }
    }

    UiText {
        id: valueLabel

        objectName: "tripDistanceLabel"
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.rightMargin: Theme.margin
        text: root.isCharge ? root.energyAddedText : root.distanceText
        font.pixelSize: Theme.titleTextSize
        font.bold: true
    }

    TapHandler {
        id: tapHandler

        enabled: root.openable && !root.isCharge && !root.recording
        onTapped: root.opened(root.tripId)
    }
}
