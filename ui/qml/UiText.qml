import QtQuick

// Text in the theme's font, colour and body size, which every label uses.
Text {
    id: root

    color: Theme.text
    font.family: Theme.fontFamily
    font.pixelSize: Theme.bodyTextSize
    textFormat: Text.PlainText
}
