import QtQuick

// A line chart drawn from a flat list of x, y pairs scaled to 0..1 (a null
// pair starts a new stroke), with gap bands and event markers on the x
// axis. The data comes from TripDetailStore when the view opens; the
// canvas repaints only when the data or its size changes.
Rectangle {
    id: root

    required property string title
    required property string maxText
    required property var line
    required property var markers
    required property var bands

    // Pixels drawn by the last paint, for the tests: 0 means an empty chart.
    property int strokeCount: 0

    radius: Theme.radius
    color: Theme.surface

    UiText {
        id: titleLabel

        anchors.left: parent.left
        anchors.top: parent.top
        anchors.leftMargin: Theme.spacing
        text: root.title
        color: Theme.secondaryText
    }

    UiText {
        id: maxLabel

        anchors.right: parent.right
        anchors.top: parent.top
        anchors.rightMargin: Theme.spacing
        text: root.maxText
        color: Theme.secondaryText
    }

    Canvas {
        id: canvas

        objectName: "chartCanvas"
        anchors.fill: parent
        anchors.topMargin: titleLabel.height
        anchors.margins: Theme.spacing

        onPaint: {
            const ctx = getContext("2d")
            ctx.reset()
            const w = width
            const h = height
            ctx.fillStyle = Theme.divider
            for (const band of root.bands) {
                ctx.fillRect(band.x0 * w, 0, Math.max((band.x1 - band.x0) * w, 2), h)
            }
            ctx.strokeStyle = Theme.divider
            ctx.lineWidth = 1
            ctx.beginPath()
            ctx.moveTo(0, h - 0.5)
            ctx.lineTo(w, h - 0.5)
            ctx.stroke()
            ctx.strokeStyle = Theme.accent
            ctx.lineWidth = Math.max(2, Math.round(3 * Theme.dp))
            ctx.lineJoin = "round"
            ctx.beginPath()
            let pen = false
            let strokes = 0
            for (let i = 0; i + 1 < root.line.length; i += 2) {
                const x = root.line[i]
                const y = root.line[i + 1]
                if (x === null || y === null || x === undefined) {
                    pen = false
                    continue
                }
                if (pen) {
                    ctx.lineTo(x * w, h - y * h)
                    strokes += 1
                } else {
                    ctx.moveTo(x * w, h - y * h)
                    pen = true
                }
            }
            ctx.stroke()
            const size = Math.round(10 * Theme.dp)
            for (const marker of root.markers) {
                ctx.fillStyle = Theme[marker.colour]
                ctx.beginPath()
                ctx.moveTo(marker.x * w - size, 0)
                ctx.lineTo(marker.x * w + size, 0)
                ctx.lineTo(marker.x * w, size * 1.6)
                ctx.closePath()
                ctx.fill()
                ctx.fillRect(marker.x * w - 1, 0, 2, h)
            }
            root.strokeCount = strokes
        }
        onWidthChanged: requestPaint()
        onHeightChanged: requestPaint()
    }

    onLineChanged: canvas.requestPaint()
    onMarkersChanged: canvas.requestPaint()
    onBandsChanged: canvas.requestPaint()

    Connections {
        target: Theme

        function onAccentChanged() {
            canvas.requestPaint()
        }
    }
}
