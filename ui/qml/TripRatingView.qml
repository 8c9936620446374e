pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// Stars for the drive and the car, the logbook purpose and tags from a
// fixed set; no text entry. Every tap is saved at once. Shown only while
// parked; scrolls when the screen is short.
Flickable {
    id: root

    required property TripDetailStore tripDetail

    clip: true
    contentWidth: width
    contentHeight: ratingColumn.implicitHeight
    boundsBehavior: Flickable.StopAtBounds

    ColumnLayout {
        id: ratingColumn

        width: root.width
        spacing: Theme.spacing

        StarRating {
            id: driveStars

            label: qsTr("Drive")
            namePrefix: "driveStar"
            stars: root.tripDetail.driveRating
            onRated: stars => root.tripDetail.setDriveRating(stars)
        }

        StarRating {
            id: carStars

            label: qsTr("Car")
            namePrefix: "carStar"
            stars: root.tripDetail.carRating
            onRated: stars => root.tripDetail.setCarRating(stars)
        }

        RowLayout {
            id: purposeRow

            spacing: Theme.spacing

            UiText {
                id: purposeLabel

                Layout.preferredWidth: Math.round(150 * Theme.dp)
                elide: Text.ElideRight
                text: qsTr("Purpose")
                color: Theme.secondaryText
            }

            ChoiceButton {
                id: privateButton

                objectName: "purposePrivate"
                label: qsTr("Private")
                selected: root.tripDetail.purpose === "private"
                onActivated: root.tripDetail.setPurpose("private")
            }

            ChoiceButton {
                id: businessButton

                objectName: "purposeBusiness"
                label: qsTr("Business")
                selected: root.tripDetail.purpose === "business"
                onActivated: root.tripDetail.setPurpose("business")
            }

            ChoiceButton {
                id: commuteButton

                objectName: "purposeCommute"
                label: qsTr("Commute")
                selected: root.tripDetail.purpose === "commute"
                onActivated: root.tripDetail.setPurpose("commute")
            }
        }

        Flow {
            id: tagFlow

            Layout.fillWidth: true
            spacing: Theme.spacing

            Repeater {
                id: tagRepeater

                model: root.tripDetail.tagChoices

                ChoiceButton {
                    id: tagChip

                    required property var modelData

                    objectName: "tag_" + tagChip.modelData.id
                    label: tagChip.modelData.label
                    selected: root.tripDetail.selectedTags.indexOf(tagChip.modelData.id) >= 0
                    onActivated: root.tripDetail.toggleTag(tagChip.modelData.id)
                }
            }
        }
    }
}
