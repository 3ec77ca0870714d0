// @ts-check
// Empties serverless-esbuild's work folder before it bundles for a package, so that the zips hold
// this build and nothing else. serverless-esbuild zips every file of its work folder that matches
// a function's handler: the `.js` bundles a local run left there (or a failed package, or a
// function since renamed) would ship beside the fresh `.mjs`, and Lambda's Node.js runtime tries
// `<handler>.js` before `.mjs`. serverless.yml also gives each stage its own work folder, so this
// never deletes the bundles a running `npm start` serves.

import { rmSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";

export default class CleanBuildFolderPlugin {
  /** @param {any} serverless */
  constructor(serverless) {
    this.serverless = serverless;
    const clean = () => this.removeWorkFolder();
    this.hooks = {
      // Before serverless-esbuild's before:package:createDeploymentArtifacts, which bundles and zips.
      "before:package:initialize": clean,
      "before:deploy:function:initialize": clean,
    };
  }

  removeWorkFolder() {
    const serviceDir = this.serverless.serviceDir;
    const folder = this.serverless.service.custom?.esbuild?.outputWorkFolder;
    if (typeof folder !== "string" || folder === "") {
      throw new this.serverless.classes.Error("plugins/clean-build-folder.js: custom.esbuild.outputWorkFolder must be set");
    }
    const path = resolve(serviceDir, folder);
    const inside = relative(serviceDir, path);
    // Only a folder inside the project: never the project itself, nor anything outside it.
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
      throw new this.serverless.classes.Error(`plugins/clean-build-folder.js: ${folder} is not a folder inside the project`);
    }
    rmSync(path, { recursive: true, force: true });
  }
}
