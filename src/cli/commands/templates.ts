/** `timeline-server templates pull DIR` and `templates push DIR`: event templates in version control. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { CliError } from '../cli-error.js';
import { HubSpotHttp } from '../hubspot-http.js';
import { addTargetOptions, requireDeveloperCredentials, type TargetOptions } from '../target-options.js';
import {
  createTemplate,
  deleteTemplate,
  deleteToken,
  listTemplates,
  updateTemplate,
} from '../templates/template-api.js';
import { readTemplateDir, writeTemplateDir } from '../templates/template-dir.js';
import { describeStep, type PlanStep, planPush } from '../templates/template-plan.js';

interface PushFlags extends TargetOptions {
  prune: boolean;
  yes: boolean;
}

function client(flags: TargetOptions, command: string): { http: HubSpotHttp; appId: string } {
  const { appId, developerApiKey } = requireDeveloperCredentials(flags, command);
  return { http: new HubSpotHttp({ baseUrl: flags.baseUrl, developerApiKey }), appId };
}

export function registerTemplates(program: Command): void {
  const templates = program.command('templates').description("keep an app's event templates in files");

  addTargetOptions(
    templates
      .command('pull')
      .description(
        'write one JSON file per event template of the app (tokens included, stable key order, ids kept)',
      )
      .argument('<dir>', 'directory to write (created if missing)'),
  ).action(async (dir: string, flags: TargetOptions) => {
    const { http, appId } = client(flags, 'templates pull');
    const docs = await listTemplates(http, appId);
    const { written, removed } = writeTemplateDir(dir, docs);
    console.log(`pulled ${written.length} templates of app ${appId} into ${dir}`);
    for (const file of removed) console.log(`removed ${file} (its template is gone from the app)`);
  });

  addTargetOptions(
    templates
      .command('push')
      .description(
        'make the app match the files: print the plan (create, update, token changes, archive), apply it with --yes',
      )
      .argument('<dir>', 'directory of template files'),
  )
    .addOption(
      new Option('--prune', 'archive (delete) the templates of the app that no file has').default(false),
    )
    .addOption(new Option('--yes', 'apply the plan (without it, only print it)').default(false))
    .action(async (dir: string, flags: PushFlags) => {
      const { http, appId } = client(flags, 'templates push');
      const files = readTemplateDir(dir);
      const plan = planPush(files, await listTemplates(http, appId), flags.prune);
      const conflicts = plan.steps.filter((step) => step.kind === 'conflict');
      if (plan.steps.length === 0) {
        console.log(`nothing to change: app ${appId} matches ${dir} (${plan.unchanged} templates)`);
        return;
      }
      console.log(`plan for app ${appId} at ${flags.baseUrl}:`);
      for (const step of plan.steps) console.log(describeStep(step));
      console.log(`(${plan.unchanged} templates unchanged)`);
      if (conflicts.length > 0) {
        throw new CliError(
          `${conflicts.length} file(s) cannot be applied (marked ! above)`,
          'change those files as the plan says, then push again',
        );
      }
      if (!flags.yes) {
        console.log('not applied: run the same command with --yes to apply this plan');
        return;
      }
      for (const [done, step] of plan.steps.entries()) {
        try {
          await apply(http, appId, step);
        } catch (error) {
          if (!(error instanceof CliError)) throw error;
          // The changes before it stay applied, the rest were not tried: say so, and that a second
          // push (which plans again from what the app now has) finishes the job.
          throw new CliError(
            `${error.message}\npush stopped after ${done} of ${plan.steps.length} changes; ${plan.steps.length - done - 1} not tried`,
            `${error.fix}; the next push plans again from the app as it is now, so the changes made are not repeated`,
            error.exitCode,
          );
        }
      }
      console.log(`applied ${plan.steps.length} changes`);
    });
}

async function apply(http: HubSpotHttp, appId: string, step: PlanStep): Promise<void> {
  switch (step.kind) {
    case 'create': {
      const id = await createTemplate(http, appId, step.doc);
      console.log(`created ${id} ${JSON.stringify(step.doc.name)}`);
      return;
    }
    case 'update':
      // A token's type never changes in place: delete it first, the update then creates it anew.
      for (const name of step.retypedTokens) await deleteToken(http, appId, step.id, name);
      await updateTemplate(http, appId, step.id, step.doc);
      console.log(`updated ${step.id} ${JSON.stringify(step.doc.name)}`);
      return;
    case 'archive':
      await deleteTemplate(http, appId, step.id);
      console.log(`archived ${step.id} ${JSON.stringify(step.name)}`);
      return;
    case 'conflict':
      return;
  }
}
