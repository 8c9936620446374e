import QtQuick
import QtQuick.Layouts
import HeadUnit

// Back button and title at the top of a section below the settings.
RowLayout {
    id: root

    required property ShellStore shell
    required property string title
    required property string backName

    Layout.fillWidth: true
    spacing: Theme.margin

    ChoiceButton {
        id: backButton

        objectName: root.backName
        label: qsTr("Back")
        selected: false
        onActivated: root.shell.closeSection()
    }

    UiText {
        id: titleLabel

        Layout.fillWidth: true
        elide: Text.ElideRight
        text: root.title
        font.pixelSize: Theme.titleTextSize
        font.bold: true
    }
}
