pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// Club events near the car, nearest first, with the organiser and how many
// are going. Read from the local cache, so the list works offline. While
// the car moves the back end shortens the list and its text, the list
// stops scrolling and a row no longer opens the detail.
ColumnLayout {
    id: root

    required property CommunityStore community

    signal eventChosen(string eventId)

    spacing: Theme.spacing

    RowLayout {
        id: headingRow

        Layout.fillWidth: true
        spacing: Theme.spacing

        UiText {
            id: heading

            Layout.fillWidth: true
            elide: Text.ElideRight
            text: qsTr("Club events nearby")
            font.pixelSize: Theme.titleTextSize
            font.bold: true
        }

        ChoiceButton {
            id: nearestButton

            objectName: "eventOrderDistance"
            label: qsTr("Nearest")
            selected: root.community.eventOrder === "distance"
            onActivated: root.community.setEventOrder("distance")
        }

        ChoiceButton {
            id: soonestButton

            objectName: "eventOrderStart"
            label: qsTr("Soonest")
            selected: root.community.eventOrder === "start"
            onActivated: root.community.setEventOrder("start")
        }
    }

    ListView {
        id: eventsList

        objectName: "eventsList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        visible: count > 0
        clip: true
        // Rows are made when they scroll into view, never ahead in the
        // background, so a model reset never cancels a half-made row.
        cacheBuffer: 0
        interactive: !root.community.moving
        spacing: Theme.spacing
        model: root.community.events
        delegate: Rectangle {
            id: eventRow

            required property int index
            required property string eventId
            required property string title
            required property string clubName
            required property string when
            required property string distance
            required property string organiser
            required property string attendees
            required property string rsvp

            objectName: "eventRow" + index
            width: ListView.view.width
            implicitHeight: Math.max(Theme.touchTarget, rowLayout.implicitHeight + 2 * Theme.spacing)
            radius: Theme.radius
            color: Theme.surface

            ColumnLayout {
                id: rowLayout

                anchors.fill: parent
                anchors.margins: Theme.spacing
                anchors.leftMargin: Theme.margin
                anchors.rightMargin: Theme.margin
                spacing: 0

                RowLayout {
                    id: titleRow

                    Layout.fillWidth: true
                    spacing: Theme.spacing

                    UiText {
                        id: titleText

                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        textFormat: Text.PlainText
                        text: eventRow.title
                        font.bold: true
                    }

                    UiText {
                        id: distanceText

                        textFormat: Text.PlainText
                        text: eventRow.distance
                        color: Theme.secondaryText
                    }
                }

                UiText {
                    id: whenText

                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    textFormat: Text.PlainText
                    text: eventRow.when + " · " + eventRow.clubName
                    color: Theme.secondaryText
                }

                // Left out while moving, so the rows fit without scrolling.
                UiText {
                    id: organiserText

                    Layout.fillWidth: true
                    visible: !root.community.moving
                    elide: Text.ElideRight
                    textFormat: Text.PlainText
                    text: eventRow.organiser + " · " + eventRow.attendees
                        + (eventRow.rsvp === "going" ? " · " + qsTr("You are going") : "")
                    color: Theme.secondaryText
                }
            }

            TapHandler {
                id: rowTap

                objectName: "eventTap"
                enabled: root.community.allowDetail
                gesturePolicy: TapHandler.DragThreshold
                onTapped: root.eventChosen(eventRow.eventId)
            }
        }
    }

    UiText {
        id: emptyLabel

        objectName: "eventsEmptyLabel"
        Layout.fillWidth: true
        Layout.fillHeight: true
        visible: eventsList.count === 0
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.Wrap
        text: qsTr("No club events near the car or where it usually drives")
        font.pixelSize: Theme.titleTextSize
    }
}
