import QtQuick
import QtQuick.Layouts
import HeadUnit

// The sync state in plain words, and "delete my data" with a confirmation.
ColumnLayout {
    id: root

    required property ShellStore shell
    required property AccountStore account

    spacing: Theme.spacing

    SectionHeader {
        id: header

        shell: root.shell
        backName: "syncStatusBackButton"
        title: qsTr("Sync status")
    }

    UiText {
        id: stateLabel

        objectName: "syncDetailState"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: root.account.syncStateText
        font.bold: true
    }

    UiText {
        id: pendingLabel

        objectName: "syncDetailPending"
        Layout.fillWidth: true
        text: root.account.pendingText
    }

    UiText {
        id: lastSyncLabel

        objectName: "syncDetailLastSync"
        Layout.fillWidth: true
        text: root.account.lastSyncText
    }

    UiText {
        id: nextAttemptLabel

        objectName: "syncDetailNextAttempt"
        Layout.fillWidth: true
        visible: root.account.nextAttemptText !== ""
        text: root.account.nextAttemptText
    }

    UiText {
        id: lastErrorLabel

        objectName: "syncDetailLastError"
        Layout.fillWidth: true
        elide: Text.ElideRight
        text: root.account.lastErrorText
        color: Theme.secondaryText
    }

    UiText {
        objectName: "syncDetailDataUsage"
        Layout.fillWidth: true
        elide: Text.ElideRight
        text: root.account.dataUsageText
    }

    UiText {
        id: deleteQuestion

        objectName: "deleteDataQuestion"
        Layout.fillWidth: true
        visible: root.account.confirming === "deleteData"
        wrapMode: Text.Wrap
        text: qsTr("Delete your trips here now, and on the platform at the next sync?")
    }

    UiText {
        id: messageLabel

        objectName: "syncDetailMessage"
        Layout.fillWidth: true
        visible: root.account.messageText !== "" && root.account.confirming === ""
        wrapMode: Text.Wrap
        text: root.account.messageText
        color: Theme.secondaryText
    }

    RowLayout {
        id: actions

        spacing: Theme.spacing

        ChoiceButton {
            id: deleteButton

            objectName: "deleteDataButton"
            visible: root.account.confirming !== "deleteData"
            enabled: root.account.allowChanges
            label: qsTr("Delete my data")
            selected: false
            onActivated: root.account.ask("deleteData")
        }

        ChoiceButton {
            id: deleteConfirmButton

            objectName: "deleteDataConfirmButton"
            visible: root.account.confirming === "deleteData"
            enabled: root.account.allowChanges
            label: qsTr("Delete now")
            selected: true
            onActivated: root.account.confirm()
        }

        ChoiceButton {
            id: keepDataButton

            objectName: "keepDataButton"
            visible: root.account.confirming === "deleteData"
            label: qsTr("Keep my data")
            selected: false
            onActivated: root.account.cancelConfirmation()
        }
    }

    Item {
        id: filler

        Layout.fillHeight: true
    }
}
