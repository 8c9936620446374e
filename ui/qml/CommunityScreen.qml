pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import QtMultimedia
import HeadUnit

// The owners' community in five sections: tips, club events nearby,
// owners' experience with a trouble code, the model's ratings and short
// clips. A tab bar switches them. An event's detail and the clip player
// open one level deeper, as sections of the shell, so the driving policy
// closes them when the car starts moving.
Item {
    id: root

    required property TipListModel tipModel
    required property CommunityStore community
    required property ShellStore shell

    objectName: "communityScreen"

    // The player lives with the screen, so it can be stopped the moment
    // video is no longer allowed, whatever view is on show.
    MediaPlayer {
        id: clipPlayer

        objectName: "clipPlayer"
        // Loaded only while the player view is open, so other views decode nothing.
        source: clipView.active ? root.community.clipSource : ""
        // Opening the player view starts the clip.
        onSourceChanged: {
            if (source.toString() !== "")
                play()
        }
        videoOutput: clipView.item ? clipView.item.videoOutput : null
    }

    Connections {
        target: root.community

        function onAllowVideoChanged() {
            if (!root.community.allowVideo)
                clipPlayer.stop()
        }
    }

    ColumnLayout {
        id: layout

        anchors.fill: parent
        anchors.margins: Theme.margin
        spacing: Theme.spacing
        visible: root.shell.currentSection === ""

        RowLayout {
            id: tabBar

            objectName: "communityTabs"
            Layout.fillWidth: true
            spacing: Theme.spacing

            Repeater {
                id: tabRepeater

                model: [
                    { key: "tips", label: qsTr("Tips") },
                    { key: "clubs", label: qsTr("Clubs") },
                    { key: "service", label: qsTr("Service") },
                    { key: "ratings", label: qsTr("Ratings") },
                    { key: "clips", label: qsTr("Clips") }
                ]

                delegate: ChoiceButton {
                    required property var modelData

                    objectName: "communityTab_" + modelData.key
                    Layout.fillWidth: true
                    label: modelData.label
                    selected: root.community.tab === modelData.key
                    onActivated: root.community.showTab(modelData.key)
                }
            }
        }

        Loader {
            id: sectionLoader

            objectName: "communitySectionLoader"
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: {
                switch (root.community.tab) {
                case "clubs":
                    return clubsComponent
                case "service":
                    return serviceComponent
                case "ratings":
                    return ratingsComponent
                case "clips":
                    return clipsComponent
                default:
                    return tipsComponent
                }
            }
        }
    }

    Loader {
        id: eventView

        anchors.fill: parent
        anchors.margins: Theme.margin
        active: root.shell.currentSection === "event"
        sourceComponent: EventDetailView {
            community: root.community
            onClosed: root.shell.closeSection()
        }
    }

    Loader {
        id: clipView

        anchors.fill: parent
        anchors.margins: Theme.margin
        active: root.shell.currentSection === "clip" && root.community.allowVideo
        sourceComponent: ClipPlayerView {
            community: root.community
            player: clipPlayer
            onClosed: {
                clipPlayer.stop()
                root.shell.closeSection()
            }
        }
    }

    Component {
        id: tipsComponent

        TipsSection {
            tipModel: root.tipModel
            points: root.community.points
        }
    }

    Component {
        id: clubsComponent

        ClubsSection {
            community: root.community
            onEventChosen: eventId => {
                if (root.community.selectEvent(eventId))
                    root.shell.openSection("event")
            }
        }
    }

    Component {
        id: serviceComponent

        ServiceSection {
            community: root.community
        }
    }

    Component {
        id: ratingsComponent

        RatingsSection {
            community: root.community
        }
    }

    Component {
        id: clipsComponent

        ClipsSection {
            community: root.community
            onClipChosen: clipId => {
                if (root.community.selectClip(clipId))
                    root.shell.openSection("clip")
            }
        }
    }
}
