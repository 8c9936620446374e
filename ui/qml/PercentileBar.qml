import QtQuick

// A bar from 0 to 100 percent of owners' trips, the middle half (25th to
// 75th percentile) shaded, with a marker where this trip falls.
Item {
    id: root

    required property real percentile

    Rectangle {
        id: track

        anchors.verticalCenter: parent.verticalCenter
        width: parent.width
        height: Math.round(parent.height * 0.4)
        radius: height / 2
        color: Theme.surface
        border.color: Theme.divider
        border.width: Math.max(1, Math.round(Theme.dp))
    }

    Rectangle {
        id: middleHalf

        anchors.verticalCenter: parent.verticalCenter
        x: Math.round(parent.width * 0.25)
        width: Math.round(parent.width * 0.5)
        height: track.height
        color: Theme.divider
    }

    Rectangle {
        id: marker

        objectName: "percentileMarker"
        anchors.verticalCenter: parent.verticalCenter
        width: Math.max(4, Math.round(6 * Theme.dp))
        height: parent.height
        radius: width / 2
        x: Math.round(Math.max(0, Math.min(100, root.percentile)) / 100 * (parent.width - width))
        color: Theme.accent
    }
}
