import QtQuick
import QtQuick.Layouts
import HeadUnit

// Pairing with the owner's platform account through the device flow: the
// owner enters the user code, or scans the QR code, on a phone. Sign out
// asks for a confirmation first.
RowLayout {
    id: root

    required property ShellStore shell
    required property AccountStore account

    spacing: Theme.margin

    ColumnLayout {
        id: pairingColumn

        Layout.fillWidth: true
        Layout.fillHeight: true
        spacing: Theme.spacing

        SectionHeader {
            id: header

            shell: root.shell
            backName: "pairingBackButton"
            title: qsTr("Platform account")
        }

        UiText {
            id: stateLabel

            objectName: "pairingStateLabel"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: {
                switch (root.account.pairingState) {
                case "unconfigured":
                    return qsTr("No platform is configured on this head unit, so it cannot pair.")
                case "starting":
                    return qsTr("Asking the platform for a code…")
                case "waiting":
                    return qsTr("On your phone, open %1 and enter this code, or scan the QR code:")
                        .arg(root.account.verificationUri)
                case "paired":
                    return qsTr("Paired with your account.")
                case "expired":
                    return qsTr("The code expired before it was entered.")
                case "denied":
                    return qsTr("Pairing was refused on the platform.")
                case "failed":
                    return qsTr("Pairing failed because the platform could not be reached.")
                default:
                    return qsTr("Not paired. Pair to share with your community account.")
                }
            }
        }

        UiText {
            id: userCodeLabel

            objectName: "pairingUserCode"
            visible: root.account.pairingState === "waiting"
            text: root.account.userCode
            font.pixelSize: Theme.valueTextSize
            font.bold: true
            font.letterSpacing: Math.round(4 * Theme.dp)
        }

        UiText {
            id: confirmLabel

            objectName: "signOutQuestion"
            Layout.fillWidth: true
            visible: root.account.confirming === "signOut"
            wrapMode: Text.Wrap
            text: qsTr("Sign out? The head unit stops sending data to your account.")
        }

        UiText {
            id: messageLabel

            objectName: "pairingMessage"
            Layout.fillWidth: true
            visible: root.account.messageText !== "" && root.account.pairingState !== "paired"
            wrapMode: Text.Wrap
            text: root.account.messageText
            color: Theme.secondaryText
        }

        RowLayout {
            id: actions

            spacing: Theme.spacing

            ChoiceButton {
                id: pairButton

                objectName: "pairButton"
                visible: root.account.pairingState === "signed_out"
                enabled: root.account.allowChanges
                label: qsTr("Pair with my account")
                selected: true
                onActivated: root.account.startPairing()
            }

            ChoiceButton {
                id: retryButton

                objectName: "pairRetryButton"
                visible: ["expired", "denied", "failed"].indexOf(root.account.pairingState) >= 0
                enabled: root.account.allowChanges
                label: qsTr("Try again")
                selected: true
                onActivated: root.account.startPairing()
            }

            ChoiceButton {
                id: cancelButton

                objectName: "pairCancelButton"
                visible: root.account.pairingState === "waiting"
                label: qsTr("Cancel")
                selected: false
                onActivated: root.account.cancelPairing()
            }

            ChoiceButton {
                id: signOutButton

                objectName: "signOutButton"
                visible: root.account.pairingState === "paired" && root.account.confirming !== "signOut"
                enabled: root.account.allowChanges
                label: qsTr("Sign out")
                selected: false
                onActivated: root.account.ask("signOut")
            }

            ChoiceButton {
                id: signOutConfirmButton

                objectName: "signOutConfirmButton"
                visible: root.account.confirming === "signOut"
                enabled: root.account.allowChanges
                label: qsTr("Sign out now")
                selected: true
                onActivated: root.account.confirm()
            }

            ChoiceButton {
                id: keepPairedButton

                objectName: "keepPairedButton"
                visible: root.account.confirming === "signOut"
                label: qsTr("Stay paired")
                selected: false
                onActivated: root.account.cancelConfirmation()
            }
        }

        Item {
            id: filler

            Layout.fillHeight: true
        }
    }

    Image {
        id: qrImage

        objectName: "pairingQr"
        Layout.alignment: Qt.AlignTop
        Layout.preferredWidth: Math.min(Math.round(320 * Theme.dp), root.height)
        Layout.preferredHeight: Layout.preferredWidth
        visible: root.account.pairingState === "waiting" && root.account.qrSource !== ""
        source: root.account.qrSource
        asynchronous: true
        fillMode: Image.PreserveAspectFit
        smooth: false
    }
}
