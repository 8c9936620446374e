import QtQuick
import QtQuick.Layouts

// The tip card's one-tap buttons: helpful, not helpful, and "Later", which
// keeps the tip for the parked list. Each button is at least one touch
// target in size, so a driver can hit it in a glance.
RowLayout {
    id: root

    // The driving restrictions allow "Later" now (the car moves and the
    // tip is not kept yet).
    required property bool canKeep

    signal helpfulTapped()
    signal notHelpfulTapped()
    signal laterTapped()

    spacing: Theme.spacing

    ActionButton {
        id: helpfulButton

        objectName: "tipHelpfulButton"
        tapObjectName: "tipHelpfulTap"
        Layout.fillWidth: true
        // Widths follow the labels, so the longest one is not cut first.
        Layout.preferredWidth: implicitWidth
        label: qsTr("Helpful")
        onActivated: root.helpfulTapped()
    }

    ActionButton {
        id: notHelpfulButton

        objectName: "tipNotHelpfulButton"
        tapObjectName: "tipNotHelpfulTap"
        Layout.fillWidth: true
        Layout.preferredWidth: implicitWidth
        label: qsTr("Not helpful")
        onActivated: root.notHelpfulTapped()
    }

    ActionButton {
        id: laterButton

        objectName: "tipLaterButton"
        tapObjectName: "tipLaterTap"
        Layout.fillWidth: true
        Layout.preferredWidth: implicitWidth
        visible: root.canKeep
        label: qsTr("Later")
        onActivated: root.laterTapped()
    }
}
