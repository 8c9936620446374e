pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// Every tip with its author, their role and how many found it helpful,
// and the owner's points. Community text is for reading while parked, so
// while the car moves the list gives way to a short notice.
ColumnLayout {
    id: root

    required property TipListModel tipModel
    required property int points

    spacing: Theme.spacing

    RowLayout {
        id: headingRow

        Layout.fillWidth: true
        spacing: Theme.spacing

        UiText {
            id: heading

            objectName: "communityHeading"
            Layout.fillWidth: true
            elide: Text.ElideRight
            text: qsTr("Tips from owners")
            font.pixelSize: Theme.titleTextSize
            font.bold: true
        }

        UiText {
            id: pointsText

            objectName: "communityPoints"
            text: qsTr("My points: %1").arg(root.points)
            color: Theme.secondaryText
        }
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
            onHelpfulTapped: tipId => root.tipModel.vote(tipId, true)
            onNotHelpfulTapped: tipId => root.tipModel.vote(tipId, false)
            onLaterTapped: tipId => root.tipModel.saveForLater(tipId)
            onReportTapped: tipId => root.tipModel.reportNoLongerTrue(tipId)
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
