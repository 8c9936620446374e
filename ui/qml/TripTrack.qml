import QtQuick

// The trip's track drawn from its positions, north up, scaled into a
// square that fits the box; no map tiles. Events are dots on the track.
Rectangle {
    id: root

    required property var line
    required property var markers

    // Segments drawn by the last paint, for the tests: 0 means no track.
    property int strokeCount: 0

    radius: Theme.radius
    color: Theme.surface

    UiText {
        id: emptyLabel

        anchors.centerIn: parent
        width: parent.width - 2 * Theme.spacing
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        visible: root.line.length === 0
        text: qsTr("No positions recorded")
        color: Theme.secondaryText
    }

    Canvas {
        id: canvas

        objectName: "trackCanvas"
        readonly property real side: Math.min(root.width, root.height) - 2 * Theme.margin

        anchors.centerIn: parent
        width: Math.max(canvas.side, 1)
        height: Math.max(canvas.side, 1)

        onPaint: {
            const ctx = getContext("2d")
            ctx.reset()
            // Inset by a dot's radius, so start and end dots are not cut.
            const dot = Math.round(8 * Theme.dp)
            const pad = dot * 1.5
            const s = width - 2 * pad
            ctx.translate(pad, pad)
            ctx.strokeStyle = Theme.accent
            ctx.lineWidth = Math.max(2, Math.round(4 * Theme.dp))
            ctx.lineJoin = "round"
            ctx.lineCap = "round"
            ctx.beginPath()
            let pen = false
            let strokes = 0
            let first = null
            let last = null
            for (let i = 0; i + 1 < root.line.length; i += 2) {
                const x = root.line[i]
                const y = root.line[i + 1]
                if (x === null || y === null || x === undefined) {
                    pen = false
                    continue
                }
                if (first === null)
                    first = [x, y]
                last = [x, y]
                if (pen) {
                    ctx.lineTo(x * s, y * s)
                    strokes += 1
                } else {
                    ctx.moveTo(x * s, y * s)
                    pen = true
                }
            }
            ctx.stroke()
            if (first !== null) {
                ctx.fillStyle = Theme.text
                ctx.beginPath()
                ctx.arc(first[0] * s, first[1] * s, dot, 0, 2 * Math.PI)
                ctx.fill()
                ctx.strokeStyle = Theme.text
                ctx.lineWidth = Math.max(2, Math.round(3 * Theme.dp))
                ctx.beginPath()
                ctx.arc(last[0] * s, last[1] * s, dot * 1.4, 0, 2 * Math.PI)
                ctx.stroke()
            }
            for (const marker of root.markers) {
                ctx.fillStyle = Theme[marker.colour]
                ctx.beginPath()
                ctx.arc(marker.x * s, marker.y * s, dot, 0, 2 * Math.PI)
                ctx.fill()
            }
            root.strokeCount = strokes
        }
        onWidthChanged: requestPaint()
    }

    onLineChanged: canvas.requestPaint()
    onMarkersChanged: canvas.requestPaint()

    Connections {
        target: Theme

        function onAccentChanged() {
            canvas.requestPaint()
        }
    }
}
