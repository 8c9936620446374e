pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// The owners' community: every tip with its author, their role and how
// many found it helpful. Community text is for reading while parked, so
// while the car moves the list gives way to a short notice.
Item {
    id: root

    required property TipListModel tipModel

    objectName: "communityScreen"

    ColumnLayout {
        id: layout

        anchors.fill: parent
        anchors.margins: Theme.margin
        spacing: Theme.spacing

        UiText {
            id: heading

            objectName: "communityHeading"
            Layout.fillWidth: true
            text: qsTr("Tips from owners")
            font.pixelSize: Theme.titleTextSize
            font.bold: true
        }

        ListView {
            id: tipsList

            objectName: "tipsList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: !root.tipModel.locked
            clip: true
            // Rows are made when they scroll into view, never ahead in the
            // background, so a model reset never cancels a half-made row.
            cacheBuffer: 0
            spacing: Theme.spacing
            model: root.tipModel
            delegate: TipRow {
                width: ListView.view.width
                onHelpfulTapped: tipId => root.tipModel.voteHelpful(tipId)
            }
        }

        UiText {
            id: lockedLabel

            objectName: "communityLockedLabel"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: root.tipModel.locked
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
            wrapMode: Text.Wrap
            text: qsTr("Community tips can be read when the car is parked")
            font.pixelSize: Theme.titleTextSize
        }
    }
}
