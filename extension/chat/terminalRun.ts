/**
 * "Run in terminal" for a shell block. Model output is untrusted, so nothing runs without a modal
 * confirmation that shows the exact command; it then goes to one "Switchboard" terminal (reused
 * while it is open) and is shown, so the person sees it run.
 */
import * as vscode from 'vscode';

export const TERMINAL_NAME = 'Switchboard';
/** The longest command shown in full in the confirmation (a longer one is cut, with a note). */
const SHOWN_CHARS = 2000;

/** Asks before running; true only for an explicit "Run". */
export type ConfirmRun = (command: string) => Promise<boolean>;

export const modalConfirm: ConfirmRun = async (command) => {
  const shown =
    command.length > SHOWN_CHARS
      ? `${command.slice(0, SHOWN_CHARS)}\n… (${command.length - SHOWN_CHARS} more characters)`
      : command;
  const choice = await vscode.window.showWarningMessage(
    'Run this command from the chat in a terminal?',
    {
      modal: true,
      detail: `${shown}\n\nCommands from a model can change or delete files. Run it only if you understand it.`,
    },
    'Run',
  );
  return choice === 'Run';
};

/** Runs `command` in the Switchboard terminal after `confirm`; false when the person declined. */
export async function runInTerminal(command: string, confirm: ConfirmRun = modalConfirm): Promise<boolean> {
  const text = command.replace(/\n+$/, '');
  if (text.trim() === '') return false;
  if (!(await confirm(text))) return false;
  const open = vscode.window.terminals.find((t) => t.name === TERMINAL_NAME && t.exitStatus === undefined);
  const terminal = open ?? vscode.window.createTerminal({ name: TERMINAL_NAME });
  terminal.show();
  terminal.sendText(text, true);
  return true;
}
