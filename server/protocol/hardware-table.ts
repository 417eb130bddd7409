// Known accelerator models behind hardware classes: canonical name and marketed memory sizes.
// How device strings are matched against these rows lives in hardware-class.ts.

/**
 * [canonical model, marketed memory size(s) in GB, other names it is reported under].
 * The canonical model is itself a name; names are compared after hardware-class.ts cleans them,
 * so vendor words ("NVIDIA", "GeForce", "AMD", "Instinct", "Tesla", "GPU"), form factors
 * (SXM, PCIe, HBM, OAM) and memory tokens ("80GB") need no aliases of their own.
 */
export type DeviceRow = readonly [model: string, sizes: number | readonly number[], aliases?: readonly string[]];

/** Data-centre GPUs: compared with each other by memory tier (hardware-family.ts). */
export const NVIDIA_DATACENTER: readonly DeviceRow[] = [
  ['B300', 288],
  ['GB300', 288],
  ['B200', 180],
  ['GB200', 186],
  ['H200', 141],
  ['H200 NVL', 141],
  ['GH200', [96, 144]],
  ['H100', [80, 94]],
  ['H100 NVL', 94],
  ['H800', 80],
  ['H20', [96, 141]],
  ['A100', [40, 80]],
  ['A800', [40, 80]],
  ['A40', 48],
  ['A30', 24],
  ['A10G', 24],
  ['A10', 24],
  ['A16', 16],
  ['A2', 16],
  ['L40S', 48],
  ['L40', 48],
  ['L20', 48],
  ['L4', 24],
  ['T4', 16],
  ['V100', [16, 32]],
  ['V100S', 32],
  ['P100', [12, 16]],
  ['P40', 24],
  ['P4', 8],
  ['K80', 12],
];

/** Systems whose GPU shares one large memory with the CPU. */
export const NVIDIA_UNIFIED: readonly DeviceRow[] = [
  ['DGX Spark GB10', 128, ['GB10']],
  ['Jetson Orin', [8, 16, 32, 64], ['Orin']],
];

/** Workstation, GeForce desktop and laptop GPUs: compared with each other by memory tier. */
export const NVIDIA_CONSUMER: readonly DeviceRow[] = [
  // Workstation.
  ['RTX PRO 6000 Blackwell', 96],
  ['RTX PRO 6000 Blackwell Max-Q', 96],
  ['RTX PRO 5000 Blackwell', [48, 72]],
  ['RTX PRO 4500 Blackwell', 32],
  ['RTX PRO 4000 Blackwell', 24],
  ['RTX 6000 Ada', 48],
  ['RTX 5000 Ada', 32],
  ['RTX 4500 Ada', 24],
  ['RTX 4000 Ada', 20],
  ['RTX 4000 SFF Ada', 20],
  ['RTX 2000 Ada', 16],
  ['RTX A6000', 48],
  ['RTX A5500', 24],
  ['RTX A5000', 24],
  ['RTX A4500', 20],
  ['RTX A4000', 16],
  ['RTX A2000', [6, 12]],
  ['Quadro RTX 8000', 48],
  ['Quadro RTX 6000', 24],
  ['Quadro RTX 5000', 16],
  ['Quadro RTX 4000', 8],
  ['Titan RTX', 24],
  ['Titan V', 12],
  // GeForce desktop.
  ['GTX 1070', 8],
  ['GTX 1070 Ti', 8],
  ['GTX 1080', 8],
  ['GTX 1080 Ti', 11],
  ['GTX 1650', 4],
  ['GTX 1660', 6],
  ['GTX 1660 SUPER', 6],
  ['GTX 1660 Ti', 6],
  ['RTX 2060', [6, 12]],
  ['RTX 2060 SUPER', 8],
  ['RTX 2070', 8],
  ['RTX 2070 SUPER', 8],
  ['RTX 2080', 8],
  ['RTX 2080 SUPER', 8],
  ['RTX 2080 Ti', 11],
  ['RTX 3050', [6, 8]],
  ['RTX 3060', [8, 12]],
  ['RTX 3060 Ti', 8],
  ['RTX 3070', 8],
  ['RTX 3070 Ti', 8],
  ['RTX 3080', [10, 12]],
  ['RTX 3080 Ti', 12],
  ['RTX 3090', 24],
  ['RTX 3090 Ti', 24],
  ['RTX 4060', 8],
  ['RTX 4060 Ti', [8, 16]],
  ['RTX 4070', 12],
  ['RTX 4070 SUPER', 12],
  ['RTX 4070 Ti', 12],
  ['RTX 4070 Ti SUPER', 16],
  ['RTX 4080', 16],
  ['RTX 4080 SUPER', 16],
  ['RTX 4090', 24],
  ['RTX 4090 D', 24],
  ['RTX 5050', 8],
  ['RTX 5060', 8],
  ['RTX 5060 Ti', [8, 16]],
  ['RTX 5070', 12],
  ['RTX 5070 Ti', 16],
  ['RTX 5080', 16],
  ['RTX 5090', 32],
  ['RTX 5090 D', 32],
  ['RTX 5090 D V2', 24],
  // GeForce laptop ("... Laptop GPU").
  ['RTX 3050 Laptop', [4, 6]],
  ['RTX 3050 Ti Laptop', 4],
  ['RTX 3060 Laptop', 6],
  ['RTX 3070 Laptop', 8],
  ['RTX 3070 Ti Laptop', 8],
  ['RTX 3080 Laptop', [8, 16]],
  ['RTX 3080 Ti Laptop', 16],
  ['RTX 4050 Laptop', 6],
  ['RTX 4060 Laptop', 8],
  ['RTX 4070 Laptop', 8],
  ['RTX 4080 Laptop', 12],
  ['RTX 4090 Laptop', 16],
  ['RTX 5050 Laptop', 8],
  ['RTX 5060 Laptop', 8],
  ['RTX 5070 Laptop', 8],
  ['RTX 5070 Ti Laptop', 12],
  ['RTX 5080 Laptop', 16],
  ['RTX 5090 Laptop', 24],
];

export const NVIDIA_DEVICES: readonly DeviceRow[] = [...NVIDIA_DATACENTER, ...NVIDIA_UNIFIED, ...NVIDIA_CONSUMER];

/** Instinct: memory per visible device (an MI250/MI250X shows up as two 64GB devices). */
export const AMD_DATACENTER: readonly DeviceRow[] = [
  ['MI355X', 288],
  ['MI350X', 288],
  ['MI325X', 256],
  ['MI300X', 192],
  ['MI300A', 128],
  ['MI250X', 64],
  ['MI250', 64],
  ['MI210', 64],
  ['MI100', 32],
  ['MI60', 32],
  ['MI50', [16, 32]],
];

/** APUs whose graphics share a large system memory (Strix Halo: 128GB machines). */
export const AMD_UNIFIED: readonly DeviceRow[] = [
  ['Ryzen AI Max+ 395', [32, 64, 96, 128], ['Radeon 8060S', 'Ryzen AI MAX+ PRO 395']],
  ['Ryzen AI Max 390', [32, 64, 96, 128], ['Radeon 8050S']],
];

/** Radeon desktop and workstation. */
export const AMD_CONSUMER: readonly DeviceRow[] = [
  ['Radeon RX 9070 XT', 16],
  ['Radeon RX 9070', 16],
  ['Radeon RX 9060 XT', [8, 16]],
  ['Radeon RX 7900 XTX', 24],
  ['Radeon RX 7900 XT', 20],
  ['Radeon RX 7900 GRE', 16],
  ['Radeon RX 7800 XT', 16],
  ['Radeon RX 7700 XT', 12],
  ['Radeon RX 7600 XT', 16],
  ['Radeon RX 7600', 8],
  ['Radeon RX 6950 XT', 16],
  ['Radeon RX 6900 XT', 16],
  ['Radeon RX 6800 XT', 16],
  ['Radeon RX 6800', 16],
  ['Radeon RX 6750 XT', 12],
  ['Radeon RX 6700 XT', 12],
  ['Radeon VII', 16],
  ['Radeon PRO W7900', 48],
  ['Radeon PRO W7800', [32, 48]],
  ['Radeon PRO W7700', 16],
  ['Radeon PRO W6800', 32],
  ['Radeon AI PRO R9700', 32],
];

export const AMD_DEVICES: readonly DeviceRow[] = [...AMD_DATACENTER, ...AMD_UNIFIED, ...AMD_CONSUMER];

export const INTEL_DEVICES: readonly DeviceRow[] = [
  ['Arc A310', 4],
  ['Arc A380', 6],
  ['Arc A580', 8],
  ['Arc A750', 8],
  ['Arc A770', [8, 16]],
  ['Arc B570', 10],
  ['Arc B580', 12],
  ['Arc Pro B60', 24],
  ['Data Center GPU Max 1100', 48],
  ['Data Center GPU Max 1550', 128],
];
