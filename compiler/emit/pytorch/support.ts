// dlm_torch.py: the Python module every program of the PyTorch target imports (written beside
// train.py by `dlm compile --target pytorch`). It needs the standard library and torch only.
import { supportData } from "./support-data.js";
import { supportTrainer } from "./support-trainer.js";

export const supportPy = supportData + supportTrainer;
