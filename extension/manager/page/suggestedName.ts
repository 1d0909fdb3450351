/**
 * The name a new connection starts with: its provider's ("OpenAI", then "OpenAI 2" when that is
 * taken), changed along with the provider until the person types a name of their own. Pure.
 */

/** The provider's name, numbered past the names already taken (any case). */
export function suggestedName(providerName: string, taken: ReadonlyArray<{ name: string }>): string {
  const used = new Set(taken.map((c) => c.name.trim().toLowerCase()));
  if (!used.has(providerName.toLowerCase())) return providerName;
  for (let n = 2; ; n++) if (!used.has(`${providerName} ${n}`.toLowerCase())) return `${providerName} ${n}`;
}

/** The name after a change of provider: a new suggestion if the name was empty or the old suggestion, else as typed. */
export function nameAfterProviderChange(
  current: string,
  fromProviderName: string | undefined,
  toProviderName: string,
  taken: ReadonlyArray<{ name: string }>,
): string {
  const untouched =
    current.trim() === '' || (fromProviderName !== undefined && current === suggestedName(fromProviderName, taken));
  return untouched ? suggestedName(toProviderName, taken) : current;
}
