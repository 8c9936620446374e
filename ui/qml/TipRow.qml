import QtQuick
import QtQuick.Layouts

// One community tip in the list: author, role and how helpful the author's
// tips were, title, the whole text, and the owner's feedback in one tap
// each: helpful, not helpful, "Later" and "No longer true".
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
    required property int authorHelpful
    required property string vote
    required property bool later
    required property bool reported

    signal helpfulTapped(string tipId)
    signal notHelpfulTapped(string tipId)
    signal laterTapped(string tipId)
    signal reportTapped(string tipId)

    objectName: "tipRow" + index
    implicitHeight: layout.implicitHeight + 2 * Theme.margin
    radius: Theme.radius
    color: Theme.surface

    ColumnLayout {
        id: layout

        anchors.fill: parent
        anchors.margins: Theme.margin
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
                textFormat: Text.PlainText
                text: root.author + " · " + qsTr("%n helpful votes on their tips", "",
                                                  root.authorHelpful)
                color: Theme.secondaryText
            }
        }

        UiText {
            id: titleText

            Layout.fillWidth: true
            text: root.title
            textFormat: Text.PlainText
            elide: Text.ElideRight
            font.pixelSize: Theme.titleTextSize
            font.bold: true
        }

        UiText {
            id: bodyText

            Layout.fillWidth: true
            text: root.body
            textFormat: Text.PlainText
            wrapMode: Text.Wrap
            lineHeight: 1.15
        }

        Flow {
            id: actions

            Layout.fillWidth: true
            Layout.topMargin: Theme.spacing / 2
            spacing: Theme.spacing

            ActionButton {
                id: helpfulButton

                objectName: "helpfulButton" + root.index
                tapObjectName: "helpfulTap"
                label: qsTr("Helpful %1").arg(root.helpful)
                checked: root.vote === "helpful"
                onActivated: root.helpfulTapped(root.tipId)
            }

            ActionButton {
                id: notHelpfulButton

                objectName: "notHelpfulButton" + root.index
                label: qsTr("Not helpful")
                checked: root.vote === "not_helpful"
                onActivated: root.notHelpfulTapped(root.tipId)
            }

            ActionButton {
                id: laterButton

                objectName: "laterButton" + root.index
                label: root.later ? qsTr("Saved") : qsTr("Later")
                checked: root.later
                onActivated: root.laterTapped(root.tipId)
            }

            ActionButton {
                id: reportButton

                objectName: "reportButton" + root.index
                label: qsTr("No longer true")
                checked: root.reported
                onActivated: root.reportTapped(root.tipId)
            }
        }
    }
}
