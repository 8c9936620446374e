pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// Recorded trips with their summaries. While the car moves the model lists
// only a few rows and the list does not scroll.
Item {
    id: root

    required property TripListModel tripModel

    objectName: "tripsScreen"

    ColumnLayout {
        id: layout

        anchors.fill: parent
        anchors.margins: Theme.margin
        spacing: Theme.spacing

        UiText {
            id: heading

            objectName: "tripsHeading"
            Layout.fillWidth: true
            text: qsTr("Trips")
            font.pixelSize: Theme.titleTextSize
            font.bold: true
        }

        ListView {
            id: tripsList

            objectName: "tripsList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            // Rows are made when they scroll into view, never ahead in the
            // background, so a model reset never cancels a half-made row.
            cacheBuffer: 0
            spacing: Theme.spacing
            interactive: root.tripModel.scrollable
            model: root.tripModel
            delegate: TripRow {
                width: ListView.view.width
            }

            Column {
                id: emptyState

                objectName: "tripsEmptyState"
                anchors.centerIn: parent
                width: parent.width
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
        }

        UiText {
            id: hiddenTripsLabel

            objectName: "hiddenTripsLabel"
            Layout.fillWidth: true
            visible: root.tripModel.hiddenCount > 0
            elide: Text.ElideRight
            text: qsTr("Trips not shown while driving: %n", "", root.tripModel.hiddenCount)
            color: Theme.secondaryText
        }
    }
}
