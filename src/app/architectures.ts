/**
 * The model shapes taproom knows by name (`taproom fit --arch ID`), alone: help texts
 * list them without loading the planner.
 */
export { ARCHITECTURES, type ArchitectureShape } from "../engine/quants/architectures.ts";
