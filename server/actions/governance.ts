// Wires triage, actions, approvals, audit, connectors and recommendations for a running
// tower, and hands back the routers to mount under /api/v1.
import type { ClickHouseClient } from '@clickhouse/client';
import { filter, Subscription, type SchedulerLike } from 'rxjs';
import { startRetriage } from '../triage/retriage.ts';
import { FINAL_STATUSES } from '../contracts/exception.ts';
import type { Router } from 'express';
import type { Config } from '../config.ts';
import type { ExceptionBook } from '../exceptions/book.ts';
import type { Logger } from '../logger.ts';
import type { Triage } from '../contracts/triage.ts';
import { createTriage } from '../triage/triage.ts';
import { parseRoutingRules } from '../triage/routing.ts';
import { Recommender } from '../triage/recommender.ts';
import type { ConnectorName } from '../triage/catalogue.ts';
import { ActionService } from './actionService.ts';
import { ApprovalStore } from './approvals.ts';
import { AuditLog } from './audit.ts';
import { DeliveryStore } from './deliveries.ts';
import { Executor } from './executor.ts';
import { IdempotencyStore } from './idempotency.ts';
import { OutcomeRecorder } from './outcomes.ts';
import { exceptionsRouter } from '../api/exceptions.ts';
import { approvalsRouter } from '../api/approvals.ts';
import { auditRouter } from '../api/audit.ts';
import { connectorsRouter } from '../api/connectors.ts';
import { ConfigError } from '../config.ts';
import type { NameOf } from './approvalNames.ts';

export type Governance = {
  triage: Triage;
  audit: AuditLog;
  actions: ActionService;
  executor: Executor;
  approvals: ApprovalStore;
  deliveries: DeliveryStore;
  recommender: Recommender;
  routers: Router[];
  /** Connector endpoints; in demo mode the simulator's are filled in once the URL is known. */
  connectors: Partial<Record<ConnectorName, string>>;
  /** Called once listening: resumes deliveries cut off by the last stop. */
  started(baseUrl: string): void;
  close(): Promise<void>;
};

export const SIM_ACTIONS_PATH = '/sim/erp/actions';

export async function startGovernance(d: { client: ClickHouseClient; book: ExceptionBook; config: Config; logger: Logger; now: () => number; scheduler?: SchedulerLike; nameOf?: NameOf }): Promise<Governance> {
  const { client, book, config, logger, now } = d;
  let triage: Triage;
  try {
    triage = createTriage(parseRoutingRules(config.routingRules));
  } catch (err) {
    throw new ConfigError(`CONTROL_TOWER_ROUTING_RULES: ${(err as Error).message}`);
  }
  const nameOf: NameOf = d.nameOf ?? (() => undefined);
  const connectors: Partial<Record<ConnectorName, string>> = { erp: config.connectorErpUrl, tms: config.connectorTmsUrl, service_desk: config.connectorServiceDeskUrl };
  const audit = new AuditLog(client, now);
  const detections = audit.followDetections(book.changes$);
  const outcomes = new OutcomeRecorder(client);
  const outcomeFeed = outcomes.follow(book.changes$);
  const approvals = await ApprovalStore.open(client);
  const deliveries = await DeliveryStore.open(client);
  const idempotency = new IdempotencyStore(client, now);
  const executor = new Executor({
    book,
    audit,
    deliveries,
    connectors,
    retry: { timeoutMs: config.connectorTimeoutMs, maxAttempts: config.connectorMaxAttempts, backoffMs: config.connectorBackoffMs },
    now,
    logger,
  });
  const actions = new ActionService({ book, audit, approvals, executor, now });
  // An exception closed by its resolving event (or a detector) leaves nothing to approve.
  const staleApprovals = book.changes$
    .pipe(filter((x) => FINAL_STATUSES.includes(x.status) && approvals.pendingFor(x.id) !== undefined))
    .subscribe((x) => void actions.cancelApprovals(x, x.actor).catch((err) => logger.error({ err, exception: x.id }, 'cancelling approvals failed')));
  const recommender = new Recommender({ client, audit, now });
  const retriage = new Subscription();
  const routers = [
    exceptionsRouter({ client, book, actions, approvals, idempotency, recommender, nameOf }),
    approvalsRouter({ approvals, actions, idempotency, nameOf }),
    auditRouter({ client }),
    connectorsRouter({ deliveries, executor, idempotency }),
  ];
  let resuming: Promise<void> | undefined;
  return {
    triage,
    audit,
    actions,
    executor,
    approvals,
    deliveries,
    recommender,
    routers,
    connectors,
    started(baseUrl) {
      retriage.add(startRetriage(book, triage, { everyMs: config.retriageSeconds * 1000, now, scheduler: d.scheduler, onError: (err) => logger.error({ err }, 'retriage failed') }));
      if (config.demo) {
        connectors.erp ??= `${baseUrl}${SIM_ACTIONS_PATH}`;
        connectors.tms ??= `${baseUrl}${SIM_ACTIONS_PATH}`;
      }
      resuming = executor
        .resumeInterrupted()
        .then(({ resumed, withdrawn }) => {
          if (resumed) logger.info({ resumed }, 'resending connector deliveries cut off by the last stop');
          if (withdrawn) logger.warn({ withdrawn }, 'withdrew connector deliveries whose request never went through (the last stop came between storing and committing them)');
        })
        .catch((err) => logger.error({ err }, 'resuming connector deliveries failed'));
    },
    async close() {
      await resuming;
      await executor.idle();
      retriage.unsubscribe();
      detections.unsubscribe();
      staleApprovals.unsubscribe();
      outcomeFeed.unsubscribe();
      await audit.flush();
      await outcomes.flush();
    },
  };
}
