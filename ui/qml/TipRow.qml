import QtQuick
import QtQuick.Layouts

// One community tip in the list: author and role, title, the whole text,
// and a button to mark it helpful.
Rectangle {
    id: root

    required property int index
    required property string tipId
    required property string title
    required property string body
    required property string author
    required property string roleLabel
    required property int helpful
    required property bool voted

    signal helpfulTapped(string tipId)

    objectName: "tipRow" + index
    implicitHeight: layout.implicitHeight + 2 * Theme.margin
    radius: Theme.radius
    color: Theme.surface

    RowLayout {
        id: layout

        anchors.fill: parent
        anchors.margins: Theme.margin
        spacing: Theme.margin

        ColumnLayout {
            id: textColumn

            Layout.fillWidth: true
            spacing: Theme.spacing / 2

            RowLayout {
                id: authorRow

                Layout.fillWidth: true
                spacing: Theme.spacing

                Rectangle {
                    id: roleBadge

                    Layout.preferredWidth: roleText.implicitWidth + 2 * Theme.spacing
                    Layout.preferredHeight: roleText.implicitHeight + Theme.spacing / 2
                    radius: height / 2
                    color: Theme.accent

                    UiText {
                        id: roleText

                        anchors.centerIn: parent
                        text: root.roleLabel
                        color: Theme.textOnAccent
                    }
                }

                UiText {
                    id: authorText

                    objectName: "tipRowAuthor"
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    text: root.author
                    color: Theme.secondaryText
                }
            }

            UiText {
                id: titleText

                Layout.fillWidth: true
                text: root.title
                elide: Text.ElideRight
                font.pixelSize: Theme.titleTextSize
                font.bold: true
            }

            UiText {
                id: bodyText

                Layout.fillWidth: true
                text: root.body
                wrapMode: Text.Wrap
                lineHeight: 1.15
            }
        }

        Rectangle {
            id: helpfulButton

            objectName: "helpfulButton" + root.index
            Layout.alignment: Qt.AlignVCenter
            Layout.preferredWidth: Math.max(Theme.touchTarget * 2,
                                            helpfulText.implicitWidth + 2 * Theme.spacing)
            Layout.preferredHeight: Theme.touchTarget
            radius: Theme.radius
            color: root.voted ? Theme.accent : Theme.background
            border.color: Theme.accent
            border.width: Math.round(2 * Theme.dp)
            // Dims while a finger rests on it, and returns when the list takes
            // the gesture over, since the handler is then cancelled.
            opacity: helpfulTap.pressed ? 0.6 : 1.0

            Accessible.role: Accessible.Button
            Accessible.name: helpfulText.text
            Accessible.onPressAction: root.helpfulTapped(root.tipId)

            UiText {
                id: helpfulText

                anchors.centerIn: parent
                text: qsTr("Helpful %1").arg(root.helpful)
                color: root.voted ? Theme.textOnAccent : Theme.text
                font.bold: true
            }

            TapHandler {
                id: helpfulTap

                objectName: "helpfulTap"
                gesturePolicy: TapHandler.DragThreshold
                onTapped: root.helpfulTapped(root.tipId)
            }
        }
    }
}
