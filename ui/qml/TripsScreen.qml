pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// Recorded trips grouped by day, with the charges of each day beside them.
// A trip opens its detail view and the export button the USB export, both
// one level down and only while parked. After a trip, a button leads
// straight to rating it. While the car moves the model
// lists only a few rows and the list does not scroll.
Item {
    id: root

    required property ShellStore shell
    required property TripDayListModel tripModel
    required property TripDetailStore tripDetail
    required property TripExportStore tripExport

    objectName: "tripsScreen"

    ColumnLayout {
        id: layout

        anchors.fill: parent
        anchors.margins: Theme.margin
        spacing: Theme.spacing
        visible: root.shell.currentSection === ""

        RowLayout {
            id: headingRow

            Layout.fillWidth: true
            spacing: Theme.margin

            UiText {
                id: heading

                objectName: "tripsHeading"
                Layout.fillWidth: true
                text: qsTr("Trips")
                font.pixelSize: Theme.titleTextSize
                font.bold: true
            }

            ChoiceButton {
                id: rateLastButton

                objectName: "tripRateLastButton"
                visible: root.tripModel.unratedTripId !== "" && root.tripExport.allowExport
                         && root.shell.allowSections
                label: qsTr("Rate last trip")
                selected: true
                onActivated: {
                    root.tripDetail.open(root.tripModel.unratedTripId)
                    root.tripDetail.setPage("rate")
                    root.shell.openSection("detail")
                }
            }

            ChoiceButton {
                id: exportButton

                objectName: "tripExportButton"
                visible: root.tripExport.allowExport && root.shell.allowSections
                label: qsTr("Export to USB")
                selected: false
                onActivated: root.shell.openSection("export")
            }
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
            section.property: "dayText"
            section.delegate: UiText {
                id: dayHeading

                required property string section

                objectName: "tripDayHeading"
                width: ListView.view.width
                topPadding: Theme.spacing
                text: dayHeading.section
                color: Theme.secondaryText
                font.bold: true
            }
            delegate: TripDayRow {
                width: ListView.view.width
                openable: root.shell.allowSections
                onOpened: tripId => {
                    root.tripDetail.open(tripId)
                    root.shell.openSection("detail")
                }
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

    Loader {
        id: sectionLoader

        anchors.fill: parent
        anchors.margins: Theme.margin
        active: root.shell.currentSection !== ""
        sourceComponent: root.shell.currentSection === "export" ? exportComponent
                                                                : detailComponent
    }

    Component {
        id: detailComponent

        TripDetailView {
            shell: root.shell
            tripDetail: root.tripDetail
        }
    }

    Component {
        id: exportComponent

        TripExportView {
            shell: root.shell
            tripExport: root.tripExport
        }
    }
}
