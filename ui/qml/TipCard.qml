import QtQuick
import QtQuick.Layouts

// The community tip that fits the situation best, with its author's role
// and how many owners found it helpful.
Rectangle {
    id: root

    required property string title
    required property string text
    required property string author
    required property string roleLabel
    required property int helpful
    required property bool moving
    // The driving restrictions allow the one-tap buttons on the card.
    property bool actionsAllowed: false
    property bool canKeep: false

    signal helpfulTapped()
    signal notHelpfulTapped()
    signal laterTapped()

    radius: Theme.radius
    color: Theme.surface

    // On a short card (1024x600) the buttons take the author's row, so the
    // title still shows above them.
    readonly property bool compact: actions.visible
        && root.height < authorRow.implicitHeight + titleText.implicitHeight
            + actions.implicitHeight + 4 * Theme.margin

    RowLayout {
        id: authorRow

        visible: !root.compact
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        spacing: Theme.spacing

        Rectangle {
            id: roleBadge

            Layout.preferredWidth: roleText.implicitWidth + 2 * Theme.spacing
            Layout.preferredHeight: roleText.implicitHeight + Theme.spacing / 2
            radius: height / 2
            color: Theme.accent

            UiText {
                id: roleText

                objectName: "tipRoleLabel"
                anchors.centerIn: parent
                text: root.roleLabel
                color: Theme.textOnAccent
            }
        }

        UiText {
            id: authorText

            objectName: "tipAuthorLabel"
            Layout.maximumWidth: Math.round(authorRow.width / 3)
            elide: Text.ElideRight
            text: root.author
            color: Theme.secondaryText
        }

        UiText {
            id: helpfulText

            objectName: "tipHelpfulLabel"
            Layout.fillWidth: true
            elide: Text.ElideRight
            text: qsTr("%n found this helpful", "", root.helpful)
            color: Theme.secondaryText
        }
    }

    UiText {
        id: titleText

        objectName: "tipTitleLabel"
        anchors.top: root.compact ? parent.top : authorRow.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        text: root.title
        font.pixelSize: Theme.titleTextSize
        font.bold: true
        elide: Text.ElideRight
    }

    UiText {
        id: bodyText

        objectName: "tipTextLabel"
        anchors.top: titleText.bottom
        anchors.bottom: actions.visible ? actions.top : parent.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        anchors.topMargin: Theme.spacing
        text: root.text
        // While moving the text is a short summary, so it can be read at a glance.
        font.pixelSize: root.moving ? Theme.titleTextSize : Theme.bodyTextSize
        wrapMode: Text.Wrap
        elide: Text.ElideRight
        lineHeight: 1.15
    }

    TipCardActions {
        id: actions

        objectName: "tipActions"
        anchors.bottom: parent.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        visible: root.actionsAllowed
        canKeep: root.canKeep
        onHelpfulTapped: root.helpfulTapped()
        onNotHelpfulTapped: root.notHelpfulTapped()
        onLaterTapped: root.laterTapped()
    }
}
