import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Modules by path relative to the root, each with the modules it imports (type-only imports too). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * The graph of the TypeScript modules under `root`, read with the compiler's own import scanner:
 * static imports, `import type`, re-exports and dynamic `import()`. Only relative specifiers are
 * followed (packages are outside the graph); `./x.js` names the source `./x.ts`.
 */
export function importGraph(root: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.ts')).sort()) {
    const path = join(root, file);
    const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
    const imports = importedFiles
      .map(({ fileName }) => fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => {
        const target = resolve(dirname(path), specifier.replace(/\.js$/, '.ts'));
        if (!existsSync(target)) throw new Error(`${file} imports ${specifier}, which is no module under ${root}`);
        return relative(root, target);
      });
    graph.set(relative(root, path), [...new Set(imports)]);
  }
  return graph;
}

/** The folder a module is in, relative to the root (`.` for the root itself). */
export function folderOf(module: string): string {
  return dirname(module);
}

/**
 * One import loop for each group of modules that reach each other across folders, as the list of
 * its modules with the first repeated at the end. Loops within one folder are a module's own
 * business and are not reported.
 */
export function crossFolderCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  for (const component of stronglyConnected(graph)) {
    const members = new Set(component);
    // Every edge inside a strongly connected group lies on a loop: one between folders is the loop to name.
    const crossing = component
      .flatMap((from) => (graph.get(from) ?? []).filter((to) => members.has(to)).map((to) => [from, to] as const))
      .find(([from, to]) => folderOf(from) !== folderOf(to));
    if (!crossing) continue;
    const [from, to] = crossing;
    cycles.push([from, ...shortestPath(graph, members, to, from)]);
  }
  return cycles;
}

/** The modules from `start` to `goal` along imports, both included, staying within `members`. */
function shortestPath(graph: ImportGraph, members: ReadonlySet<string>, start: string, goal: string): string[] {
  const cameFrom = new Map<string, string | undefined>([[start, undefined]]);
  const queue = [start];
  for (let module = queue.shift(); module !== undefined; module = queue.shift()) {
    if (module === goal) break;
    for (const next of graph.get(module) ?? []) {
      if (!members.has(next) || cameFrom.has(next)) continue;
      cameFrom.set(next, module);
      queue.push(next);
    }
  }
  const path: string[] = [];
  for (let module: string | undefined = goal; module !== undefined; module = cameFrom.get(module)) path.unshift(module);
  return path;
}

/** Tarjan's strongly connected components with more than one module. */
function stronglyConnected(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (module: string): void => {
    index.set(module, index.size);
    lowLink.set(module, index.get(module)!);
    stack.push(module);
    onStack.add(module);
    for (const next of graph.get(module) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(module, Math.min(lowLink.get(module)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(module, Math.min(lowLink.get(module)!, index.get(next)!));
      }
    }
    if (lowLink.get(module) !== index.get(module)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    if (component.length > 1) components.push(component);
  };
  for (const module of graph.keys()) if (!index.has(module)) visit(module);
  return components;
}
