// The three virtual input devices the fork gave each container, made through /dev/uinput: the legacy
// setup (write a struct uinput_user_dev, then UI_DEV_CREATE), as the fork's vendored uinput library.
// Values from <linux/uinput.h> and <linux/input-event-codes.h>.

/** _IOC(dir, 'U', nr, size) on the generic ioctl layout (x86_64, arm64). */
const uinputIoctl = (dir: number, nr: number, size: number) => ((dir << 30) | (size << 16) | (0x55 << 8) | nr) >>> 0;
const IOC_NONE = 0;
const IOC_WRITE = 1;
const IOC_READ = 2;

export const UI_DEV_CREATE = uinputIoctl(IOC_NONE, 1, 0);
export const UI_DEV_DESTROY = uinputIoctl(IOC_NONE, 2, 0);
export const UI_SET_EVBIT = uinputIoctl(IOC_WRITE, 100, 4);
export const UI_SET_KEYBIT = uinputIoctl(IOC_WRITE, 101, 4);
export const UI_SET_RELBIT = uinputIoctl(IOC_WRITE, 102, 4);
export const UI_SET_ABSBIT = uinputIoctl(IOC_WRITE, 103, 4);
export const SYSNAME_LENGTH = 32;
export const UI_GET_SYSNAME = uinputIoctl(IOC_READ, 44, SYSNAME_LENGTH);

export const EV_SYN = 0x00;
export const EV_KEY = 0x01;
export const EV_REL = 0x02;
export const EV_ABS = 0x03;
const REL_X = 0x00;
const REL_Y = 0x01;
const REL_HWHEEL = 0x06;
const REL_WHEEL = 0x08;
const ABS_X = 0x00;
const ABS_Y = 0x01;
const BTN_LEFT = 0x110;
const BTN_RIGHT = 0x111;
const BTN_MIDDLE = 0x112;
const BTN_TOUCH = 0x14a;
/** KEY_ESC (1) to KEY_MICMUTE (248): every key of a full keyboard. */
const KEYBOARD_KEYS = Array.from({ length: 248 }, (_, i) => i + 1);
const BUS_USB = 0x03;
/** The fork's vendor ID; products 0x1124 (absolute) and 0x1122 (keyboard) are the fork's, 0x1123 ours. */
const VENDOR = 0xf4c1;
/** The fork's absolute range: 0..0xFFF on both axes. */
const ABS_MAX = 0xfff;

export interface VirtualDeviceSpec {
  readonly name: string;
  readonly product: number;
  readonly events: readonly number[];
  readonly keys: readonly number[];
  readonly relative: readonly number[];
  /** Absolute axes with their [min, max]. */
  readonly absolute: readonly (readonly [axis: number, min: number, max: number])[];
}

/** In the order the fork handed them over: absolute pointer, relative mouse, keyboard. */
export const FRACTAL_INPUT_DEVICES: readonly VirtualDeviceSpec[] = [
  {
    name: 'Fractal Virtual Absolute Input',
    product: 0x1124,
    events: [EV_SYN, EV_KEY, EV_ABS],
    keys: [BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_TOUCH],
    relative: [],
    absolute: [
      [ABS_X, 0, ABS_MAX],
      [ABS_Y, 0, ABS_MAX],
    ],
  },
  {
    name: 'Fractal Virtual Relative Input',
    product: 0x1123,
    events: [EV_SYN, EV_KEY, EV_REL],
    keys: [BTN_LEFT, BTN_RIGHT, BTN_MIDDLE],
    relative: [REL_X, REL_Y, REL_WHEEL, REL_HWHEEL],
    absolute: [],
  },
  {
    name: 'Fractal Virtual Keyboard',
    product: 0x1122,
    events: [EV_SYN, EV_KEY],
    keys: KEYBOARD_KEYS,
    relative: [],
    absolute: [],
  },
];

const NAME_SIZE = 80;
const ABS_CNT = 64;
/** sizeof(struct uinput_user_dev): name, input_id (4 x u16), ff_effects_max, absmax/absmin/absfuzz/absflat. */
export const UINPUT_USER_DEV_SIZE = NAME_SIZE + 8 + 4 + 4 * ABS_CNT * 4;

/** The struct uinput_user_dev the legacy setup writes. */
export function uinputUserDev(spec: VirtualDeviceSpec): Buffer {
  const buffer = Buffer.alloc(UINPUT_USER_DEV_SIZE);
  buffer.write(spec.name.slice(0, NAME_SIZE - 1), 0, 'latin1');
  buffer.writeUInt16LE(BUS_USB, NAME_SIZE);
  buffer.writeUInt16LE(VENDOR, NAME_SIZE + 2);
  buffer.writeUInt16LE(spec.product, NAME_SIZE + 4);
  buffer.writeUInt16LE(1, NAME_SIZE + 6);
  const absmax = NAME_SIZE + 12;
  const absmin = absmax + 4 * ABS_CNT;
  for (const [axis, min, max] of spec.absolute) {
    buffer.writeInt32LE(max, absmax + 4 * axis);
    buffer.writeInt32LE(min, absmin + 4 * axis);
  }
  return buffer;
}
