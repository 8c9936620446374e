import QtQuick

// A labelled button at least one touch target in size. `checked` fills it
// with the accent, for a choice already made (a vote, an RSVP).
Rectangle {
    id: root

    required property string label
    property bool checked: false
    // Tests find a button's handler by this name.
    property string tapObjectName: "actionTap"

    signal activated()

    implicitWidth: Math.max(Theme.touchTarget * 1.5, labelText.implicitWidth + 2 * Theme.margin)
    implicitHeight: Theme.touchTarget
    radius: Theme.radius
    color: root.checked ? Theme.accent : Theme.background
    border.color: root.enabled ? Theme.accent : Theme.divider
    border.width: Math.round(2 * Theme.dp)
    // Dims while a finger rests on it; a list taking the drag over cancels it.
    opacity: tapHandler.pressed ? 0.6 : 1.0

    Accessible.role: Accessible.Button
    Accessible.name: root.label
    Accessible.onPressAction: root.activated()

    UiText {
        id: labelText

        anchors.centerIn: parent
        width: Math.min(implicitWidth, root.width - 2 * Theme.spacing)
        elide: Text.ElideRight
        text: root.label
        color: root.checked ? Theme.textOnAccent : (root.enabled ? Theme.text : Theme.staleText)
        font.bold: true
    }

    TapHandler {
        id: tapHandler

        objectName: root.tapObjectName
        enabled: root.enabled
        gesturePolicy: TapHandler.DragThreshold
        onTapped: root.activated()
    }
}
