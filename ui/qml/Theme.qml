pragma Singleton

import QtQuick
import HeadUnit

// Colours by role, fonts and sizes of the day theme. Sizes are in pixels,
// computed from dp; the minimum touch target and body text size come from
// the driving-restrictions policy in Python.
QtObject {
    id: root

    readonly property real dp: DisplayPolicy.pixelsPerDp
    readonly property int touchTarget: Math.ceil(DisplayPolicy.minTouchTargetDp * root.dp)
    readonly property int bodyTextSize: Math.ceil(DisplayPolicy.minBodyTextDp * root.dp)
    readonly property int titleTextSize: Math.round(32 * root.dp)
    readonly property int valueTextSize: Math.round(52 * root.dp)
    readonly property int gearTextSize: Math.round(96 * root.dp)
    readonly property int speedTextSize: Math.round(200 * root.dp)
    readonly property int spacing: Math.round(16 * root.dp)
    readonly property int margin: Math.round(24 * root.dp)
    readonly property int radius: Math.round(16 * root.dp)
    readonly property int navigationBarHeight: root.touchTarget + 2 * Math.round(10 * root.dp)
    readonly property int navigationButtonWidth: Math.round(240 * root.dp)

    // The first installed font of a list that starts with CJK fonts, which
    // also cover Latin text and digits; chosen by DisplayPolicy in Python.
    readonly property string fontFamily: DisplayPolicy.fontFamily

    readonly property color background: "#eef1f5"
    readonly property color surface: "#ffffff"
    readonly property color text: "#11161d"
    readonly property color secondaryText: "#46505e"
    readonly property color staleText: "#a3abb6"
    readonly property color accent: "#0b5cad"
    readonly property color textOnAccent: "#ffffff"
    readonly property color divider: "#d5dae1"
    readonly property color warning: "#9c1c12"
    readonly property color warningSurface: "#fde8e5"
    readonly property color recording: "#c0392b"
    readonly property color navigationBar: "#1b222c"
    readonly property color navigationText: "#d8dee6"
}
