// dlm_torch.py: the Python module every program of the PyTorch target imports (written beside
// train.py by `dlm compile --target pytorch`). It needs the standard library and torch only.
import { supportData } from "./support-data.js";
import { supportLayers } from "./support-layers.js";
import { supportOptim } from "./support-optim.js";
import { supportText } from "./support-text.js";
import { supportTrainer } from "./support-trainer.js";

export const supportPy = supportData + supportText + supportLayers + supportOptim + supportTrainer;
