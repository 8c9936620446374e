pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// Short clips owners shared. A clip plays only while parked; while moving
// the list stays but nothing can start.
ColumnLayout {
    id: root

    required property CommunityStore community

    signal clipChosen(string clipId)

    spacing: Theme.spacing

    UiText {
        id: heading

        Layout.fillWidth: true
        elide: Text.ElideRight
        text: root.community.allowVideo ? qsTr("Clips from owners")
                                        : qsTr("Clips play when the car is parked")
        font.pixelSize: Theme.titleTextSize
        font.bold: true
    }

    ListView {
        id: clipsList

        objectName: "clipsList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        // Rows are made when they scroll into view, never ahead in the
        // background, so a model reset never cancels a half-made row.
        cacheBuffer: 0
        interactive: !root.community.moving
        spacing: Theme.spacing
        model: root.community.clips
        delegate: Rectangle {
            id: clipRow

            required property int index
            required property string clipId
            required property string title
            required property string detail
            required property bool playable

            objectName: "clipRow" + index
            width: ListView.view.width
            implicitHeight: Math.max(Theme.touchTarget, rowLayout.implicitHeight + 2 * Theme.spacing)
            radius: Theme.radius
            color: Theme.surface

            RowLayout {
                id: rowLayout

                anchors.fill: parent
                anchors.margins: Theme.spacing
                anchors.leftMargin: Theme.margin
                spacing: Theme.spacing

                ColumnLayout {
                    id: textColumn

                    Layout.fillWidth: true
                    spacing: 0

                    UiText {
                        id: titleText

                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        textFormat: Text.PlainText
                        text: clipRow.title
                        font.bold: true
                    }

                    UiText {
                        id: detailText

                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        textFormat: Text.PlainText
                        text: clipRow.detail
                        color: Theme.secondaryText
                    }
                }

                ActionButton {
                    id: playButton

                    objectName: "clipPlayButton"
                    visible: clipRow.playable
                    label: qsTr("Play")
                    onActivated: root.clipChosen(clipRow.clipId)
                }
            }
        }
    }
}
