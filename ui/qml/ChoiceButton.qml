import QtQuick

// One option of a setting; the selected option is filled with the accent.
// Disabled while the driving restrictions lock settings.
Rectangle {
    id: root

    required property string label
    required property bool selected

    signal activated()

    implicitWidth: Math.max(Theme.touchTarget * 1.5, labelText.implicitWidth + 2 * Theme.margin)
    implicitHeight: Theme.touchTarget
    radius: Theme.radius
    color: root.selected ? Theme.accent : Theme.surface
    border.color: root.selected ? Theme.accent : Theme.divider
    border.width: Math.round(2 * Theme.dp)

    Accessible.role: Accessible.RadioButton
    Accessible.name: root.label
    Accessible.checked: root.selected
    Accessible.onPressAction: root.activated()

    UiText {
        id: labelText

        anchors.centerIn: parent
        text: root.label
        color: root.selected ? Theme.textOnAccent
                             : (root.enabled ? Theme.text : Theme.staleText)
        font.bold: root.selected
    }

    TapHandler {
        id: tapHandler

        enabled: root.enabled
        onTapped: root.activated()
    }
}
