/** What export and import use of the daemon: its services, never the store directly. */
import type { Settings } from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { SettingsPatch } from '../settings/settingsStore';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import type { PriceBook } from '../pricing/priceBook';

export interface TransferDeps {
  version: string;
  connections: ConnectionService;
  providers: ProviderCatalog;
  prices: PriceBook;
  settings: {
    get(): Settings;
    /** Changes settings as `settings/update` does (audit entry, rescheduled tests). */
    update(patch: SettingsPatch, actor: string): Promise<Settings>;
  };
}
