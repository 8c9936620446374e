import QtQuick
import QtQuick.Layouts
import HeadUnit

// One club event: when, where, the organiser, who is going, its
// description, and the owner's RSVP. Opens only while parked; the RSVP is
// queued for upload by the back end.
Rectangle {
    id: root

    required property CommunityStore community

    signal closed()

    objectName: "eventDetail"
    color: Theme.background

    ColumnLayout {
        id: layout

        anchors.fill: parent
        spacing: Theme.spacing

        RowLayout {
            id: headerRow

            Layout.fillWidth: true
            spacing: Theme.spacing

            ActionButton {
                id: backButton

                objectName: "eventBackButton"
                label: qsTr("Back")
                onActivated: root.closed()
            }

            UiText {
                id: titleText

                objectName: "eventTitle"
                Layout.fillWidth: true
                elide: Text.ElideRight
                textFormat: Text.PlainText
                text: root.community.eventTitle
                font.pixelSize: Theme.titleTextSize
                font.bold: true
            }
        }

        Flickable {
            id: detailFlick

            objectName: "eventDetailFlick"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            contentHeight: detailColumn.implicitHeight
            interactive: !root.community.moving

            ColumnLayout {
                id: detailColumn

                width: detailFlick.width
                spacing: Theme.spacing / 2

                UiText {
                    id: whenText

                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    text: root.community.eventWhen
                }

                UiText {
                    id: venueText

                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    text: root.community.eventVenue + " · " + root.community.eventAddress
                }

                UiText {
                    id: organiserText

                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    text: qsTr("Organiser: %1").arg(root.community.eventOrganiser)
                    color: Theme.secondaryText
                }

                UiText {
                    id: attendeesText

                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    text: root.community.eventAttendees
                    color: Theme.secondaryText
                }

                UiText {
                    id: descriptionText

                    objectName: "eventDescription"
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.spacing
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    lineHeight: 1.15
                    text: root.community.eventDescription
                }
            }
        }

        RowLayout {
            id: rsvpRow

            Layout.fillWidth: true
            spacing: Theme.spacing

            ActionButton {
                id: goingButton

                objectName: "rsvpGoingButton"
                enabled: root.community.eventCanRsvp
                label: qsTr("I'm going")
                checked: root.community.eventRsvp === "going"
                onActivated: root.community.rsvp(true)
            }

            ActionButton {
                id: notGoingButton

                objectName: "rsvpNotGoingButton"
                enabled: root.community.eventCanRsvp
                label: qsTr("Not going")
                checked: root.community.eventRsvp === "not_going"
                onActivated: root.community.rsvp(false)
            }
        }
    }
}
