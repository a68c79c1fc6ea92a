/** @module The ComfyUI simulator answers as ComfyUI does: validate_prompt's refusals, uploads, history, the proxy. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startComfyuiSimulator } from '../../../test/simulators/comfyui.js';
import type { Simulator } from '../../../test/simulators/sim-kit.js';
import { templateWorkflow } from './template.js';
import { fillWorkflow } from './placeholders.js';

let sim: Simulator;
before(async () => (sim = await startComfyuiSimulator({ credentials: 'tok' })));
after(() => sim.close());

const auth = { authorization: 'Bearer tok' };
const values = { prompt: 'p', negative_prompt: '', seed: 1, width: 512, height: 512, steps: 4, cfg: 1, denoise: 1, shift: 3, checkpoint: 'c.safetensors', image: 'in.png', sampler: 'euler', scheduler: 'sgm_uniform' };
const good = () => fillWorkflow(templateWorkflow(null, false), values) as Record<string, { class_type?: string; inputs: Record<string, unknown> }>;
const post = (prompt: unknown) => fetch(`${sim.url}/prompt`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ prompt, client_id: 'c' }) });
const error = async (response: Response) => ({ status: response.status, body: (await response.json()) as { error: { type: string; message: string; details: string }; node_errors: Record<string, { class_type: string; errors: Array<{ type: string; details: string }> }> } });

describe('comfyui simulator', () => {
  it('answers 401 from the proxy without the token', async () => {
    const response = await fetch(`${sim.url}/prompt`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 401);
    assert.match(await response.text(), /<title>401 Unauthorized<\/title>/);
  });

  it("refuses workflows in validate_prompt's own words", async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [undefined, 'no_prompt', /No prompt provided/],
      [{ ...good(), '5': { inputs: {} } }, 'invalid_prompt', /missing the class_type property/],
      [{ ...good(), '5': { class_type: 'FancyNode', inputs: {} } }, 'missing_node_type', /Node 'FancyNode' not found/],
      [Object.fromEntries(Object.entries(good()).filter(([, n]) => n.class_type !== 'SaveImage')), 'prompt_no_outputs', /Prompt has no outputs/],
    ];
    for (const [prompt, type, message] of cases) {
      const { status, body } = await error(await post(prompt));
      assert.deepEqual([status, body.error.type], [400, type]);
      assert.match(body.error.message, message);
    }
  });

  it('lists every bad input in node_errors', async () => {
    const wf = good();
    wf['3']!.inputs.scheduler = 'nope';
    wf['3']!.inputs.steps = 0;
    wf['8']!.inputs.vae = ['4', 0];
    delete wf['53']!.inputs.batch_size;
    const { status, body } = await error(await post(wf));
    assert.deepEqual([status, body.error.type], [400, 'prompt_outputs_failed_validation']);
    const reasons = Object.entries(body.node_errors).map(([id, e]) => [id, e.class_type, e.errors.map((r) => `${r.type} ${r.details}`)]);
    assert.deepEqual(reasons, [
      ['3', 'KSampler', ['value_smaller_than_min steps', "value_not_in_list scheduler: 'nope' not in [\"simple\",\"sgm_uniform\",\"karras\",\"exponential\",\"ddim_uniform\",\"beta\",\"normal\",\"linear_quadratic\",\"kl_optimal\"]"]],
      ['8', 'VAEDecode', ['return_type_mismatch vae, received_type(MODEL) mismatch input_type(VAE)']],
      ['53', 'EmptySD3LatentImage', ['required_input_missing batch_size']],
    ]);
  });

  it('refuses a LoadImage of a file never uploaded, and keeps both names when overwrite is off', async () => {
    const wf = fillWorkflow(templateWorkflow(null, true), values);
    const { body } = await error(await post(wf));
    assert.equal(body.node_errors['10']!.errors[0]!.details, 'image - Invalid image file: in.png');
    const names: string[] = [];
    for (let i = 0; i < 2; i++) {
      const form = new FormData();
      form.append('image', new Blob([Buffer.from('x')]), 'in.png');
      const response = await fetch(`${sim.url}/upload/image`, { method: 'POST', headers: auth, body: form });
      names.push(((await response.json()) as { name: string }).name);
    }
    assert.deepEqual(names, ['in.png', 'in (1).png']);
  });

  it('queues a valid workflow, lists its image in the history, and serves it from /view', async () => {
    const queued = (await (await post(good())).json()) as { prompt_id: string; number: number; node_errors: object };
    assert.deepEqual(queued.node_errors, {});
    const history = (await (await fetch(`${sim.url}/history/${queued.prompt_id}`, { headers: auth })).json()) as Record<string, { outputs: Record<string, { images: Array<Record<string, string>> }>; status: { status_str: string } }>;
    const image = history[queued.prompt_id]!.outputs['9']!.images[0]!;
    assert.deepEqual([image.subfolder, image.type, history[queued.prompt_id]!.status.status_str], ['', 'output', 'success']);
    const view = await fetch(`${sim.url}/view?${new URLSearchParams({ filename: image.filename!, subfolder: '', type: 'output' })}`, { headers: auth });
    assert.deepEqual([view.status, view.headers.get('content-type')], [200, 'image/png']);
    assert.deepEqual(await (await fetch(`${sim.url}/history/unknown`, { headers: auth })).json(), {});
  });
});
