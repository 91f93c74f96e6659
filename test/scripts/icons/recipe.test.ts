import { describe, expect, it } from 'vitest';
import { parseLegacyMapping } from '../../../scripts/icons/recipe';
import { parseIndexTheme } from '../../../scripts/icons/themes';
import { assignHalves, familyOf } from '../../../scripts/icons/writer';

describe('icons recipe helpers', () => {
  it('reads index.theme directories with size, scale, type and context', () => {
    const dirs = parseIndexTheme(
      '[Icon Theme]\nName=X\nDirectories=48x48/places,scalable/actions\n\n[48x48/places]\nSize=48\nContext=Places\nType=Fixed\n\n[actions/22@2x]\nSize=22\nScale=2\nContext=Actions\n\n[scalable/actions]\nSize=16\nMinSize=8\nContext=Actions\nType=Scalable\n',
    );
    expect(dirs).toEqual([
      { dir: '48x48/places', size: 48, scale: 1, scalable: false, context: 'places' },
      { dir: 'actions/22@2x', size: 22, scale: 2, scalable: false, context: 'actions' },
      { dir: 'scalable/actions', size: 16, scale: 1, scalable: true, context: 'actions' },
    ]);
  });

  it('maps legacy icon names to freedesktop names, the first mapping winning', () => {
    const m = parseLegacyMapping('<mapping><context dir="actions"><icon name="edit-copy">\n<link>gtk-copy</link>\n<link>stock_copy</link></icon><icon name="edit-paste"><link>gtk-paste</link><link>stock_copy</link></icon></context></mapping>');
    expect([...m]).toEqual([
      ['gtk-copy', 'edit-copy'],
      ['stock_copy', 'edit-copy'],
      ['gtk-paste', 'edit-paste'],
    ]);
  });

  it('splits classes into two halves by family, balanced per context, deterministically per seed', () => {
    const classes = [
      ...['folder', 'folder-open', 'folder-music', 'user-home', 'user-trash', 'user-desktop'].map((name) => ({ name, context: 'places' })),
      ...['edit-copy', 'edit-cut', 'go-up', 'go-down', 'zoom-in', 'zoom-out'].map((name) => ({ name, context: 'actions' })),
      ...['face-smile', 'face-sad', 'face-smile-big', 'face-smile-big-sweat'].map((name) => ({ name, context: 'emotes' })),
    ];
    const a = assignHalves(classes, 1);
    expect(assignHalves(classes, 1)).toEqual(a);
    expect(familyOf('folder-music')).toBe('folder');
    expect(familyOf('folder')).toBe('folder');
    expect(familyOf('face-smile-big')).toBe('face-smile');
    for (const n of classes) for (const m of classes) if (familyOf(n.name) === familyOf(m.name)) expect(a.get(n.name), `${n.name} ~ ${m.name}`).toBe(a.get(m.name));
    for (const ctx of ['places', 'actions', 'emotes']) {
      const inCtx = classes.filter((c) => c.context === ctx);
      const v = inCtx.filter((c) => a.get(c.name) === 'validation').length;
      expect(Math.abs(2 * v - inCtx.length), ctx).toBeLessThanOrEqual(2);
    }
  });
});
