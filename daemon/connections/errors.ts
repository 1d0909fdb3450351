/** Typed errors the connection service throws, each with a hint a person can act on. */
import { ErrorCode, SwitchboardError } from '../../shared/errors';

export function connectionNotFound(id: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.CONNECTION_NOT_FOUND, `No connection has the id "${id}".`, {
    hint: 'List connections with connections/list (or `switchboard connections list`) and use one of their ids.',
    connectionId: id,
  });
}

export function validationError(field: string, message: string, hint: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.VALIDATION, `${field}: ${message}`, { hint, field });
}

export function duplicateName(name: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.DUPLICATE_NAME, `A connection named "${name}" already exists.`, {
    hint: 'Choose another name (names are compared without regard to case), or edit the existing connection.',
    field: 'name',
  });
}

export function noConnection(): SwitchboardError {
  return new SwitchboardError(ErrorCode.NO_CONNECTION, 'No connection was named and there is no default connection.', {
    hint: 'Name a connection in the request, or set a default with connections/setDefault (VS Code: "Switchboard: Set Default Connection"; CLI: `switchboard connections default <name>`).',
  });
}

/** A switched-off connection was asked for (by name, as the default, or by a tool's route). */
export function connectionDisabled(
  conn: { id: string; name: string },
  as: 'named' | 'default' = 'named',
): SwitchboardError {
  const which = as === 'default' ? `The default connection "${conn.name}"` : `Connection "${conn.name}"`;
  return new SwitchboardError(ErrorCode.CONNECTION_DISABLED, `${which} is disabled, so requests do not use it.`, {
    hint: `Enable it (VS Code: the connection's "Enabled" switch in the manager; CLI: \`switchboard connections enable "${conn.name}"\`; protocol: connections/update {enabled: true}), or use another connection.`,
    connectionId: conn.id,
  });
}
