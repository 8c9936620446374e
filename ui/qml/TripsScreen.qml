pragma ComponentBehavior: Bound

import QtQuick
import HeadUnit

// Recorded trips with their summaries. While the car moves the model lists
// only a few rows and the list does not scroll.
Item {
    id: root

    required property DriveStore driveStore
    required property TripListModel tripModel

    objectName: "tripsScreen"

    UiText {
        id: heading

        objectName: "tripsHeading"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        text: qsTr("Trips")
        font.pixelSize: Theme.titleTextSize
        font.bold: true
    }

    ListView {
        id: tripsList

        objectName: "tripsList"
        anchors.top: heading.bottom
        anchors.bottom: hiddenTripsLabel.visible ? hiddenTripsLabel.top : parent.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        clip: true
        spacing: Theme.spacing
        interactive: root.tripModel.scrollable
        model: root.tripModel
        delegate: TripRow {
            width: ListView.view.width
        }
    }

    Column {
        id: emptyState

        objectName: "tripsEmptyState"
        anchors.centerIn: tripsList
        width: tripsList.width
        spacing: Theme.spacing
        visible: root.tripModel.count === 0

        UiText {
            id: emptyLabel

            objectName: "tripsEmptyLabel"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("No trips recorded yet")
            font.pixelSize: Theme.titleTextSize
        }

        UiText {
            id: emptyHintLabel

            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: qsTr("Every drive is recorded as a trip automatically.")
            color: Theme.secondaryText
        }
    }

    UiText {
        id: hiddenTripsLabel

        objectName: "hiddenTripsLabel"
        anchors.bottom: parent.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        visible: root.tripModel.hiddenCount > 0
        text: qsTr("Trips not shown while driving: %n", "", root.tripModel.hiddenCount)
        color: Theme.secondaryText
    }
}
