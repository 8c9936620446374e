pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// One trip, a level below the trips list: speed and energy charts over time
// or distance, the drawn track with event markers, and the driver's rating.
// The shell closes it when the car moves; the charts and rating controls
// also follow the store's policy flags.
ColumnLayout {
    id: root

    required property ShellStore shell
    required property TripDetailStore tripDetail

    objectName: "tripDetailSection"
    spacing: Theme.spacing

    RowLayout {
        id: headerRow

        Layout.fillWidth: true
        spacing: Theme.spacing

        ChoiceButton {
            id: backButton

            objectName: "tripDetailBack"
            label: qsTr("Back")
            selected: false
            onActivated: root.shell.closeSection()
        }

        UiText {
            id: titleLabel

            objectName: "tripDetailTitle"
            Layout.fillWidth: true
            elide: Text.ElideRight
            text: root.tripDetail.titleText
            font.pixelSize: Theme.titleTextSize
            font.bold: true
        }

        ChoiceButton {
            id: chartsPageButton

            objectName: "tripChartsPage"
            label: qsTr("Charts")
            selected: root.tripDetail.page === "charts"
            onActivated: root.tripDetail.setPage("charts")
        }

        ChoiceButton {
            id: ratePageButton

            objectName: "tripRatePage"
            visible: root.tripDetail.canRate && root.tripDetail.allowTripActions
            label: qsTr("Rate")
            selected: root.tripDetail.page === "rate"
            onActivated: root.tripDetail.setPage("rate")
        }
    }

    UiText {
        id: figuresLabel

        objectName: "tripDetailFigures"
        Layout.fillWidth: true
        elide: Text.ElideRight
        text: {
            if (ratingView.visible)
                return root.tripDetail.saveText !== "" ? root.tripDetail.saveText
                                                       : qsTr("Each choice is saved at once.")
            if (root.tripDetail.gapsText === "")
                return root.tripDetail.figuresText
            return root.tripDetail.figuresText + " · " + root.tripDetail.gapsText
        }
        color: root.tripDetail.saveFailed && ratingView.visible ? Theme.warning
                                                                : Theme.secondaryText
    }

    RowLayout {
        id: chartsPage

        objectName: "tripCharts"
        Layout.fillWidth: true
        Layout.fillHeight: true
        visible: root.tripDetail.page === "charts" && root.tripDetail.allowCharts
        spacing: Theme.spacing

        ColumnLayout {
            id: chartColumn

            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacing

            RowLayout {
                id: axisRow

                Layout.fillWidth: true
                spacing: Theme.spacing

                ChoiceButton {
                    id: overTimeButton

                    objectName: "chartOverTime"
                    label: qsTr("Time")
                    selected: root.tripDetail.axis === "time"
                    onActivated: root.tripDetail.setAxis("time")
                }

                ChoiceButton {
                    id: overDistanceButton

                    objectName: "chartOverDistance"
                    label: qsTr("Distance")
                    selected: root.tripDetail.axis === "distance"
                    onActivated: root.tripDetail.setAxis("distance")
                }

                UiText {
                    id: axisEndLabel

                    Layout.fillWidth: true
                    Layout.minimumWidth: axisEndLabel.implicitWidth
                    horizontalAlignment: Text.AlignRight
                    text: root.tripDetail.axisEndText
                    color: Theme.secondaryText
                }
            }

            TripChart {
                id: speedChart

                objectName: "tripSpeedChart"
                Layout.fillWidth: true
                Layout.fillHeight: true
                title: qsTr("Speed")
                maxText: root.tripDetail.speedMaxText
                line: root.tripDetail.speedLine
                markers: root.tripDetail.chartMarkers
                bands: root.tripDetail.gapBands
            }

            TripChart {
                id: energyChart

                objectName: "tripEnergyChart"
                Layout.fillWidth: true
                Layout.fillHeight: true
                visible: root.tripDetail.hasEnergy
                title: qsTr("Energy used")
                maxText: root.tripDetail.energyMaxText
                line: root.tripDetail.energyLine
                markers: root.tripDetail.chartMarkers
                bands: root.tripDetail.gapBands
            }
        }

        ColumnLayout {
            id: trackColumn

            Layout.fillHeight: true
            Layout.preferredWidth: Math.min(chartsPage.height, chartsPage.width * 0.4)
            Layout.maximumWidth: Math.min(chartsPage.height, chartsPage.width * 0.4)
            spacing: Theme.spacing

            TripTrack {
                id: track

                objectName: "tripTrack"
                Layout.fillWidth: true
                Layout.fillHeight: true
                line: root.tripDetail.trackLine
                markers: root.tripDetail.trackMarkers
            }

            Repeater {
                id: legendRepeater

                model: root.tripDetail.legend

                RowLayout {
                    id: legendRow

                    required property var modelData

                    Layout.fillWidth: true
                    spacing: Theme.spacing

                    Rectangle {
                        id: legendDot

                        Layout.preferredWidth: Math.round(16 * Theme.dp)
                        Layout.preferredHeight: Math.round(16 * Theme.dp)
                        radius: width / 2
                        color: Theme[legendRow.modelData.colour]
                    }

                    UiText {
                        id: legendLabel

                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        text: legendRow.modelData.label
                        color: Theme[legendRow.modelData.colour]
                    }
                }
            }
        }
    }

    TripRatingView {
        id: ratingView

        objectName: "tripRatingControls"
        Layout.fillWidth: true
        Layout.fillHeight: true
        visible: root.tripDetail.page === "rate" && root.tripDetail.canRate
                 && root.tripDetail.allowTripActions
        tripDetail: root.tripDetail
    }
}
