import QtQuick
import QtQuick.Layouts
import HeadUnit

// The model's satisfaction index with its number of ratings, and the last
// trip's consumption against owners of the same model: a sentence and a
// bar from the owners' 10th to 90th percentile with the trip marked.
ColumnLayout {
    id: root

    required property CommunityStore community

    spacing: Theme.spacing

    UiText {
        id: satisfactionHeading

        Layout.fillWidth: true
        text: qsTr("Owners' satisfaction")
        font.pixelSize: Theme.titleTextSize
        font.bold: true
    }

    UiText {
        id: satisfactionText

        objectName: "satisfactionText"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
        text: root.community.hasSatisfaction ? root.community.satisfactionText
                                             : qsTr("No ratings for this model yet")
    }

    UiText {
        id: comparisonHeading

        Layout.fillWidth: true
        Layout.topMargin: Theme.spacing
        text: qsTr("Your last trip")
        font.pixelSize: Theme.titleTextSize
        font.bold: true
    }

    UiText {
        id: comparisonText

        objectName: "comparisonText"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
        text: root.community.hasComparison
              ? root.community.comparisonText
              : qsTr("After a trip of a few kilometres, its consumption is compared here")
    }

    PercentileBar {
        id: percentileBar

        objectName: "percentileBar"
        Layout.fillWidth: true
        Layout.preferredHeight: Math.round(Theme.touchTarget * 0.6)
        visible: root.community.hasComparison
        percentile: root.community.comparisonPercentile
    }

    RowLayout {
        id: scaleRow

        Layout.fillWidth: true
        visible: root.community.hasComparison

        UiText {
            id: lessText

            text: qsTr("Uses less")
            color: Theme.secondaryText
        }

        UiText {
            id: scaleText

            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            elide: Text.ElideRight
            textFormat: Text.PlainText
            text: root.community.comparisonScale
            color: Theme.secondaryText
        }

        UiText {
            id: moreText

            text: qsTr("Uses more")
            color: Theme.secondaryText
        }
    }

    Item {
        id: filler

        Layout.fillHeight: true
    }
}
