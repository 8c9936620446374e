import QtQuick

// One tab of the navigation bar: a label in a touch target that is never
// smaller than the policy's minimum.
Rectangle {
    id: root

    required property string label
    required property bool selected

    signal activated()

    implicitWidth: Math.max(Theme.touchTarget, labelText.implicitWidth + 2 * Theme.margin)
    implicitHeight: Theme.touchTarget
    radius: Theme.radius
    color: root.selected ? Theme.accent : "transparent"

    Accessible.role: Accessible.Button
    Accessible.name: root.label
    Accessible.onPressAction: root.activated()

    UiText {
        id: labelText

        anchors.centerIn: parent
        text: root.label
        color: root.selected ? Theme.textOnAccent : Theme.navigationText
        font.pixelSize: Theme.titleTextSize
        font.bold: root.selected
    }

    TapHandler {
        id: tapHandler

        onTapped: root.activated()
    }
}
