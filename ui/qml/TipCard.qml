import QtQuick

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

    radius: Theme.radius
    color: Theme.surface

    Row {
        id: authorRow

        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        spacing: Theme.spacing

        Rectangle {
            id: roleBadge

            width: roleText.implicitWidth + 2 * Theme.spacing
            height: roleText.implicitHeight + Theme.spacing / 2
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
            anchors.verticalCenter: roleBadge.verticalCenter
            text: root.author
            color: Theme.secondaryText
        }

        UiText {
            id: helpfulText

            objectName: "tipHelpfulLabel"
            anchors.verticalCenter: roleBadge.verticalCenter
            text: qsTr("%n found this helpful", "", root.helpful)
            color: Theme.secondaryText
        }
    }

    UiText {
        id: titleText

        objectName: "tipTitleLabel"
        anchors.top: authorRow.bottom
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
        anchors.bottom: parent.bottom
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
}
