// Hardware classes from real device strings, as nvidia-smi, rocm-smi, torch and macOS report them.
import { describe, expect, it } from 'vitest';
import { describeHardware, hardwareClass } from '../../../server/protocol/hardware-class.ts';

type Row = [accelerator: string, deviceName: string, memoryMb: number | null, expected: string];

// nvidia-smi --query-gpu=name,memory.total (MiB)
const NVIDIA_SMI: Row[] = [
  ['cuda', 'NVIDIA H100 80GB HBM3', 81559, 'H100 80GB'],
  ['cuda', 'NVIDIA H100 PCIe', 81559, 'H100 80GB'],
  ['cuda', 'NVIDIA H100 NVL', 95830, 'H100 NVL 94GB'],
  ['cuda', 'NVIDIA H800', 81559, 'H800 80GB'],
  ['cuda', 'NVIDIA H200', 143771, 'H200 141GB'],
  ['cuda', 'NVIDIA H200 NVL', 143771, 'H200 NVL 141GB'],
  ['cuda', 'NVIDIA GH200 480GB', 97871, 'GH200 96GB'],
  ['cuda', 'NVIDIA GH200 144G HBM3e', 146831, 'GH200 144GB'],
  ['cuda', 'NVIDIA B200', 183359, 'B200 180GB'],
  ['cuda', 'NVIDIA B300 SXM6 AC', 275040, 'B300 288GB'],
  ['cuda', 'NVIDIA A100-SXM4-80GB', 81920, 'A100 80GB'],
  ['cuda', 'NVIDIA A100-SXM4-40GB', 40960, 'A100 40GB'],
  ['cuda', 'NVIDIA A100-PCIE-40GB', 40960, 'A100 40GB'],
  ['cuda', 'NVIDIA A100 80GB PCIe', 81920, 'A100 80GB'],
  ['cuda', 'NVIDIA A10G', 23028, 'A10G 24GB'],
  ['cuda', 'NVIDIA A10', 23028, 'A10 24GB'],
  ['cuda', 'NVIDIA A40', 46068, 'A40 48GB'],
  ['cuda', 'NVIDIA L4', 23034, 'L4 24GB'],
  ['cuda', 'NVIDIA L40', 46068, 'L40 48GB'],
  ['cuda', 'NVIDIA L40S', 46068, 'L40S 48GB'],
  ['cuda', 'Tesla T4', 15360, 'T4 16GB'],
  ['cuda', 'Tesla V100-SXM2-16GB', 16160, 'V100 16GB'],
  ['cuda', 'Tesla V100-SXM2-32GB', 32768, 'V100 32GB'],
  ['cuda', 'Tesla V100S-PCIE-32GB', 32768, 'V100S 32GB'],
  ['cuda', 'NVIDIA GB10', null, 'DGX Spark GB10 128GB'],
  ['cuda', 'NVIDIA RTX A6000', 49140, 'RTX A6000 48GB'],
  ['cuda', 'NVIDIA RTX A5000', 24564, 'RTX A5000 24GB'],
  ['cuda', 'NVIDIA RTX 6000 Ada Generation', 49140, 'RTX 6000 Ada 48GB'],
  ['cuda', 'NVIDIA RTX 4000 Ada Generation', 20475, 'RTX 4000 Ada 20GB'],
  ['cuda', 'NVIDIA RTX 4000 SFF Ada Generation', 20475, 'RTX 4000 SFF Ada 20GB'],
  ['cuda', 'NVIDIA RTX PRO 6000 Blackwell Workstation Edition', 97887, 'RTX PRO 6000 Blackwell 96GB'],
  ['cuda', 'NVIDIA RTX PRO 6000 Blackwell Server Edition', 97887, 'RTX PRO 6000 Blackwell 96GB'],
  ['cuda', 'NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition', 97887, 'RTX PRO 6000 Blackwell Max-Q 96GB'],
  ['cuda', 'Quadro RTX 8000', 48601, 'Quadro RTX 8000 48GB'],
  ['cuda', 'NVIDIA TITAN RTX', 24576, 'Titan RTX 24GB'],
  ['cuda', 'NVIDIA GeForce RTX 2080 Ti', 11264, 'RTX 2080 Ti 11GB'],
  ['cuda', 'NVIDIA GeForce RTX 3060', 12288, 'RTX 3060 12GB'],
  ['cuda', 'NVIDIA GeForce RTX 3060', 8192, 'RTX 3060 8GB'],
  ['cuda', 'NVIDIA GeForce RTX 3060 Ti', 8192, 'RTX 3060 Ti 8GB'],
  ['cuda', 'NVIDIA GeForce RTX 3070', 8192, 'RTX 3070 8GB'],
  ['cuda', 'NVIDIA GeForce RTX 3070 Ti', 8192, 'RTX 3070 Ti 8GB'],
  ['cuda', 'NVIDIA GeForce RTX 3080', 10240, 'RTX 3080 10GB'],
  ['cuda', 'NVIDIA GeForce RTX 3080', 12288, 'RTX 3080 12GB'],
  ['cuda', 'NVIDIA GeForce RTX 3080 Ti', 12288, 'RTX 3080 Ti 12GB'],
  ['cuda', 'NVIDIA GeForce RTX 3090', 24576, 'RTX 3090 24GB'],
  ['cuda', 'NVIDIA GeForce RTX 3090 Ti', 24564, 'RTX 3090 Ti 24GB'],
  ['cuda', 'NVIDIA GeForce RTX 3050 Ti Laptop GPU', 4096, 'RTX 3050 Ti Laptop 4GB'],
  ['cuda', 'NVIDIA GeForce RTX 3080 Laptop GPU', 16384, 'RTX 3080 Laptop 16GB'],
  ['cuda', 'NVIDIA GeForce RTX 4060', 8188, 'RTX 4060 8GB'],
  ['cuda', 'NVIDIA GeForce RTX 4060 Ti', 8188, 'RTX 4060 Ti 8GB'],
  ['cuda', 'NVIDIA GeForce RTX 4060 Ti', 16380, 'RTX 4060 Ti 16GB'],
  ['cuda', 'NVIDIA GeForce RTX 4070', 12282, 'RTX 4070 12GB'],
  ['cuda', 'NVIDIA GeForce RTX 4070 SUPER', 12282, 'RTX 4070 SUPER 12GB'],
  ['cuda', 'NVIDIA GeForce RTX 4070 Ti', 12282, 'RTX 4070 Ti 12GB'],
  ['cuda', 'NVIDIA GeForce RTX 4070 Ti SUPER', 16376, 'RTX 4070 Ti SUPER 16GB'],
  ['cuda', 'NVIDIA GeForce RTX 4080', 16376, 'RTX 4080 16GB'],
  ['cuda', 'NVIDIA GeForce RTX 4080 SUPER', 16376, 'RTX 4080 SUPER 16GB'],
  ['cuda', 'NVIDIA GeForce RTX 4090', 24564, 'RTX 4090 24GB'],
  ['cuda', 'NVIDIA GeForce RTX 4060 Laptop GPU', 8188, 'RTX 4060 Laptop 8GB'],
  ['cuda', 'NVIDIA GeForce RTX 4090 Laptop GPU', 16376, 'RTX 4090 Laptop 16GB'],
  ['cuda', 'NVIDIA GeForce RTX 5060 Ti', 16311, 'RTX 5060 Ti 16GB'],
  ['cuda', 'NVIDIA GeForce RTX 5070', 12227, 'RTX 5070 12GB'],
  ['cuda', 'NVIDIA GeForce RTX 5070 Ti', 16303, 'RTX 5070 Ti 16GB'],
  ['cuda', 'NVIDIA GeForce RTX 5080', 16303, 'RTX 5080 16GB'],
  ['cuda', 'NVIDIA GeForce RTX 5090', 32607, 'RTX 5090 32GB'],
  ['cuda', 'NVIDIA GeForce RTX 5090 Laptop GPU', 24463, 'RTX 5090 Laptop 24GB'],
];

// torch.cuda.get_device_name / get_device_properties(...).total_memory / 2**20 (slightly below nvidia-smi).
const TORCH_CUDA: Row[] = [
  ['cuda', 'NVIDIA H100 80GB HBM3', 81090, 'H100 80GB'],
  ['cuda', 'NVIDIA A100-SXM4-80GB', 81050, 'A100 80GB'],
  ['cuda', 'NVIDIA GeForce RTX 4090', 24210, 'RTX 4090 24GB'],
  ['cuda', 'NVIDIA GeForce RTX 3060', 11938, 'RTX 3060 12GB'],
  ['cuda', 'NVIDIA H100 80GB HBM3 MIG 1g.10gb', 9856, 'H100 MIG 1g.10gb'],
  ['cuda', 'NVIDIA A100-SXM4-40GB MIG 3g.20gb', 19968, 'A100 MIG 3g.20gb'],
  ['cuda', 'Orin', 30536, 'Jetson Orin 32GB'],
];

// torch on ROCm (torch.cuda.get_device_name) and rocm-smi --showproductname "Card Series".
const ROCM: Row[] = [
  ['rocm', 'AMD Instinct MI300X', 196592, 'MI300X 192GB'],
  ['rocm', 'AMD Instinct MI300X VF', 196592, 'MI300X 192GB'],
  ['rocm', 'AMD Instinct MI325X', 262128, 'MI325X 256GB'],
  ['rocm', 'AMD Instinct MI250X/MI250', 65520, 'MI250X 64GB'],
  ['rocm', 'AMD Instinct MI210', 65520, 'MI210 64GB'],
  ['rocm', 'AMD Instinct MI100', 32752, 'MI100 32GB'],
  ['rocm', 'AMD Radeon RX 7900 XTX', 24560, 'Radeon RX 7900 XTX 24GB'],
  ['rocm', 'AMD Radeon RX 7900 XT', 20464, 'Radeon RX 7900 XT 20GB'],
  ['rocm', 'AMD Radeon RX 6800 XT', 16368, 'Radeon RX 6800 XT 16GB'],
  ['rocm', 'AMD Radeon RX 9070 XT', 16304, 'Radeon RX 9070 XT 16GB'],
  ['rocm', 'AMD Radeon PRO W7900', 49136, 'Radeon PRO W7900 48GB'],
  ['rocm', 'Radeon Pro W7900', null, 'Radeon PRO W7900 48GB'],
];

// torch.xpu.get_device_name on Intel GPUs.
const INTEL: Row[] = [
  ['other', 'Intel(R) Arc(TM) A770 Graphics', 16225, 'Arc A770 16GB'],
  ['other', 'Intel(R) Arc(TM) B580 Graphics', 12216, 'Arc B580 12GB'],
  ['other', 'Intel(R) Data Center GPU Max 1550', 130560, 'Data Center GPU Max 1550 128GB'],
];

// sysctl -n machdep.cpu.brand_string / system_profiler SPDisplaysDataType "Chipset Model"; memory is hw.memsize.
const APPLE: Row[] = [
  ['mps', 'Apple M1', 16384, 'Apple M1'],
  ['mps', 'Apple M2 Pro', 32768, 'Apple M2 Pro'],
  ['mps', 'Apple M2 Max', null, 'Apple M2 Max'],
  ['mlx', 'Apple M2 Ultra', 196608, 'Apple M2 Ultra'],
  ['mlx', 'Apple M3 Max', 131072, 'Apple M3 Max'],
  ['mps', 'Apple M4 Pro', 49152, 'Apple M4 Pro'],
  ['mps', 'Apple M4 Max', 131072, 'Apple M4 Max'],
  ['mps', 'Apple M5', 32768, 'Apple M5'],
];

// lscpu "Model name" / /proc/cpuinfo / sysctl brand string with accelerator "cpu".
const CPU: Row[] = [
  ['cpu', 'AMD EPYC 7763 64-Core Processor', 515072, 'CPU AMD EPYC 7763'],
  ['cpu', 'Intel(R) Xeon(R) Platinum 8480+', null, 'CPU Intel Xeon Platinum 8480+'],
  ['cpu', 'Intel(R) Xeon(R) CPU @ 2.20GHz', null, 'CPU Intel Xeon'],
  ['cpu', 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz', 32768, 'CPU Intel Core i7-8700'],
  ['cpu', '13th Gen Intel(R) Core(TM) i9-13900K', null, 'CPU 13th Gen Intel Core i9-13900K'],
  ['cpu', 'AMD Ryzen 7 7840U w/ Radeon 780M Graphics', null, 'CPU AMD Ryzen 7 7840U'],
  ['cpu', 'Apple M2 Max', 65536, 'CPU Apple M2 Max'],
  ['cpu', '', null, 'CPU'],
];

const SAFE = /^[A-Za-z0-9 .+_\-/()×]+$/;

describe('hardwareClass', () => {
  it.each([...NVIDIA_SMI, ...TORCH_CUDA, ...ROCM, ...INTEL, ...APPLE, ...CPU])(
    '%s %j (%s MiB) → %s',
    (accelerator, device_name, memory_mb, expected) => {
      expect(hardwareClass({ accelerator, device_name, device_count: 1, memory_mb })).toBe(expected);
    },
  );

  it.each([
    ['cuda', 'NVIDIA Quantum Accelerator X9', 32768, 'Quantum Accelerator X9 32GB'],
    ['other', 'Quantum Accelerator X9 32GB', null, 'Quantum Accelerator X9 32GB'],
    ['other', 'Quantum Accelerator X9', null, 'Quantum Accelerator X9'],
    ['cuda', 'NVIDIA GeForce RTX 2070 Laptop GPU', 8192, 'RTX 2070 Laptop 8GB'],
    ['cuda', 'NVIDIA Mystery Board (rev a1) [10de:ffff]', 46068, 'Mystery Board 48GB'],
    ['rocm', 'AMD Instinct MI400', 442368, 'MI400 432GB'],
    ['mlx', 'applegpu_g15s', 98304, 'applegpu_g15s 96GB'],
    ['cuda', '   ', 24564, 'CUDA GPU 24GB'],
    ['rocm', '™', null, 'ROCm GPU'],
  ] as Row[])('unknown %s %j (%s MiB) → %s', (accelerator, device_name, memory_mb, expected) => {
    expect(hardwareClass({ accelerator, device_name, memory_mb })).toBe(expected);
  });

  it('never says "unknown" and keeps unknown names safe and short', () => {
    const name = `<script>alert(1)</script> Über-GPU ${'x'.repeat(200)}`;
    const info = describeHardware({ accelerator: 'other', device_name: name, memory_mb: 16384 });
    expect(info.class).toMatch(SAFE);
    expect(info.class.toLowerCase()).not.toContain('unknown');
    expect(info.family.length).toBeLessThanOrEqual(64);
    expect(info.class).toMatch(/ 16GB$/);
  });

  it('does not let a trailing variant word fall back to the base model', () => {
    expect(hardwareClass({ accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 2080 SUPER with Max-Q Design', memory_mb: 8192 })).toBe(
      'RTX 2080 SUPER with Max-Q Design 8GB',
    );
  });

  it('matches case-insensitively and ignores PCI ids', () => {
    expect(hardwareClass({ accelerator: 'cuda', device_name: 'nvidia geforce rtx 4090', memory_mb: 24564 })).toBe('RTX 4090 24GB');
    expect(hardwareClass({ accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090 [10de:2684]', memory_mb: null })).toBe(
      'RTX 4090 24GB',
    );
  });

  it('prefers the size in the name, then memory_mb, and omits memory when neither tells', () => {
    expect(hardwareClass({ accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4-80GB', memory_mb: 40960 })).toBe('A100 80GB');
    expect(hardwareClass({ accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4', memory_mb: 40960 })).toBe('A100 40GB');
    for (const memory_mb of [null, undefined, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(hardwareClass({ accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4', memory_mb })).toBe('A100');
    }
  });
});

describe('device_count', () => {
  it.each([
    [2, 'NVIDIA A100-SXM4-80GB', '2× A100 80GB'],
    [8, 'NVIDIA H100 80GB HBM3', '8× H100 80GB'],
    [4, 'NVIDIA GeForce RTX 4090', '4× RTX 4090 24GB'],
    [2, 'Apple M2 Ultra', '2× Apple M2 Ultra'],
    [2.7, 'NVIDIA L4', '2× L4 24GB'],
  ])('%s × %s → %s', (device_count, device_name, expected) => {
    expect(hardwareClass({ accelerator: 'cuda', device_name, device_count, memory_mb: null })).toBe(expected);
  });

  it.each([1, 0, -3, 0.5, Number.NaN, Number.POSITIVE_INFINITY, null, undefined])('count %s is treated as 1', (device_count) => {
    expect(hardwareClass({ accelerator: 'cuda', device_name: 'NVIDIA L4', device_count, memory_mb: 23034 })).toBe('L4 24GB');
  });
});

describe('describeHardware', () => {
  it.each([
    [
      { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 8, memory_mb: 81559 },
      { class: '8× H100 80GB', vendor: 'nvidia', family: 'H100', memory_gb: 80 },
    ],
    [
      { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090 Laptop GPU', memory_mb: 16376 },
      { class: 'RTX 4090 Laptop 16GB', vendor: 'nvidia', family: 'RTX 4090 Laptop', memory_gb: 16 },
    ],
    [
      { accelerator: 'cuda', device_name: 'AMD Instinct MI300X', memory_mb: 196592 },
      { class: 'MI300X 192GB', vendor: 'amd', family: 'MI300X', memory_gb: 192 },
    ],
    [
      { accelerator: 'other', device_name: 'Intel(R) Arc(TM) A770 Graphics', memory_mb: null },
      { class: 'Arc A770', vendor: 'intel', family: 'Arc A770', memory_gb: null },
    ],
    [
      { accelerator: 'mps', device_name: 'Apple M4 Max', memory_mb: 131072 },
      { class: 'Apple M4 Max', vendor: 'apple', family: 'Apple M4 Max', memory_gb: 128 },
    ],
    [
      { accelerator: 'mlx', device_name: 'Apple M3 Pro', memory_mb: 18432 },
      { class: 'Apple M3 Pro', vendor: 'apple', family: 'Apple M3 Pro', memory_gb: 18 },
    ],
    [
      { accelerator: 'cpu', device_name: 'AMD EPYC 7763 64-Core Processor', device_count: 2, memory_mb: 515072 },
      { class: '2× CPU AMD EPYC 7763', vendor: 'cpu', family: 'CPU AMD EPYC 7763', memory_gb: 512 },
    ],
    [
      { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3 MIG 1g.10gb', memory_mb: 9856 },
      { class: 'H100 MIG 1g.10gb', vendor: 'nvidia', family: 'H100 MIG 1g.10gb', memory_gb: 10 },
    ],
    [
      { accelerator: 'rocm', device_name: 'Some New Board', memory_mb: 28000 },
      { class: 'Some New Board 27GB', vendor: 'amd', family: 'Some New Board', memory_gb: 27 },
    ],
    [
      { accelerator: 'other', device_name: 'Quantum Accelerator X9', memory_mb: 32768 },
      { class: 'Quantum Accelerator X9 32GB', vendor: 'other', family: 'Quantum Accelerator X9', memory_gb: 32 },
    ],
  ])('%j', (hw, expected) => {
    expect(describeHardware(hw)).toEqual(expected);
  });

  it('lets memory sizes of one family be compared', () => {
    const small = describeHardware({ accelerator: 'cuda', device_name: 'NVIDIA A100-PCIE-40GB', memory_mb: 40960 });
    const large = describeHardware({ accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4-80GB', memory_mb: 81920 });
    expect(small.family).toBe(large.family);
    expect(small.memory_gb!).toBeLessThan(large.memory_gb!);
  });
});
