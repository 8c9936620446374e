pragma Singleton

import QtQuick
import HeadUnit

// Colours by role, fonts and sizes. Colours come from the ThemeStore that
// Main.qml sets as `store`, which switches day and night in Python. Sizes
// are pixels computed from dp; the minimum touch target and body text size
// come from the driving-restrictions policy in Python.
QtObject {
    id: root

    property ThemeStore store: null

    readonly property real dp: DisplayPolicy.pixelsPerDp
    readonly property int touchTarget: Math.ceil(DisplayPolicy.minTouchTargetDp * root.dp)
    readonly property int bodyTextSize: Math.ceil(DisplayPolicy.minBodyTextDp * root.dp)
    readonly property int titleTextSize: Math.round(30 * root.dp)
    readonly property int valueTextSize: Math.round(48 * root.dp)
    readonly property int gearTextSize: Math.round(80 * root.dp)
    readonly property int speedTextSize: Math.round(180 * root.dp)
    readonly property int spacing: Math.round(12 * root.dp)
    readonly property int margin: Math.round(20 * root.dp)
    readonly property int radius: Math.round(14 * root.dp)
    readonly property int statusBarHeight: Math.round(52 * root.dp)
    readonly property int railWidth: Math.round(150 * root.dp)

    // The first installed font of a list that starts with CJK fonts, which
    // also cover Latin text and digits; chosen by DisplayPolicy in Python.
    readonly property string fontFamily: DisplayPolicy.fontFamily

    readonly property color background: root.store ? root.store.background : "black"
    readonly property color surface: root.store ? root.store.surface : "black"
    readonly property color text: root.store ? root.store.text : "white"
    readonly property color secondaryText: root.store ? root.store.secondaryText : "white"
    readonly property color staleText: root.store ? root.store.staleText : "white"
    readonly property color accent: root.store ? root.store.accent : "white"
    readonly property color textOnAccent: root.store ? root.store.textOnAccent : "black"
    readonly property color accentText: root.store ? root.store.accentText : "white"
    readonly property color divider: root.store ? root.store.divider : "gray"
    readonly property color warning: root.store ? root.store.warning : "white"
    readonly property color warningSurface: root.store ? root.store.warningSurface : "black"
    readonly property color recording: root.store ? root.store.recording : "white"
    readonly property color navigationBar: root.store ? root.store.navigationBar : "black"
    readonly property color navigationText: root.store ? root.store.navigationText : "white"
    readonly property color statusBar: root.store ? root.store.statusBar : "black"
    readonly property color statusText: root.store ? root.store.statusText : "white"
}
