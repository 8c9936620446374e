import QtQuick
import QtQuick.Layouts
import QtMultimedia
import HeadUnit

// The clip player, one level below the community screen. It shows the
// video of the screen's MediaPlayer; the screen stops the player and the
// policy closes this view as soon as the car moves.
Rectangle {
    id: root

    required property CommunityStore community
    required property MediaPlayer player
    readonly property alias videoOutput: video

    signal closed()

    objectName: "clipPlayerView"
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
                id: closeButton

                objectName: "clipCloseButton"
                label: qsTr("Back")
                onActivated: root.closed()
            }

            UiText {
                id: titleText

                Layout.fillWidth: true
                elide: Text.ElideRight
                textFormat: Text.PlainText
                text: root.community.clipTitle
                font.pixelSize: Theme.titleTextSize
                font.bold: true
            }

            ActionButton {
                id: playButton

                objectName: "clipPlayPauseButton"
                label: root.player.playbackState === MediaPlayer.PlayingState ? qsTr("Pause")
                                                                              : qsTr("Play")
                onActivated: {
                    if (root.player.playbackState === MediaPlayer.PlayingState)
                        root.player.pause()
                    else
                        root.player.play()
                }
            }
        }

        VideoOutput {
            id: video

            objectName: "clipVideo"
            Layout.fillWidth: true
            Layout.fillHeight: true
            fillMode: VideoOutput.PreserveAspectFit
        }
    }
}
