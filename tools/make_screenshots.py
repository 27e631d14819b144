#!/usr/bin/env python3
"""Draws the sample handbook's screenshots: mock-ups of a web admin UI.

Input: the fonts in ../fonts/. Output: PNG and JPEG files in
../static/general/img-ja/ (overwritten). Deterministic: the same Pillow
version writes the same bytes, so the files can be regenerated and diffed.

The set deliberately covers what the renderers must handle: RGB PNGs, two
JPEGs, one PNG with an alpha channel (a dialog with rounded, transparent
corners and a soft shadow), one grayscale PNG (a diagram) and one large
image (2600 px wide, as from a HiDPI display).

Usage: pip install pillow && python3 tools/make_screenshots.py
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
OUT = ROOT / "static" / "general" / "img-ja"

# Palette of the mock admin UI.
BG = (244, 246, 248)
WHITE = (255, 255, 255)
INK = (51, 51, 51)
MUTED = (120, 128, 136)
LINE = (214, 219, 224)
BRAND = (0, 112, 186)
BRAND_US = (230, 81, 0)
FIELD = (250, 251, 252)
FOCUS = (66, 150, 226)
ROW_ALT = (248, 249, 250)
WARN = (198, 40, 40)


class Canvas:
    """An RGB image with a scale factor: all coordinates are in CSS pixels."""

    def __init__(self, width, height, scale=1.0, bg=BG, mode="RGB"):
        self.s = scale
        self.img = Image.new(mode, (round(width * scale), round(height * scale)), bg)
        self.d = ImageDraw.Draw(self.img)
        self.width = width
        self.height = height

    def px(self, *values):
        return [round(v * self.s) for v in values]

    def font(self, size, bold=False, mono=False):
        name = "BIZUDGothic-Regular.ttf" if mono else (
            "BIZUDPGothic-Bold.ttf" if bold else "BIZUDPGothic-Regular.ttf")
        return ImageFont.truetype(str(FONTS / name), round(size * self.s))

    def rect(self, x, y, w, h, fill=None, outline=None, radius=0, width=1):
        box = self.px(x, y, x + w, y + h)
        self.d.rounded_rectangle(box, radius=round(radius * self.s), fill=fill,
                                 outline=outline, width=max(1, round(width * self.s)))

    def text(self, x, y, text, size=14, fill=INK, bold=False, mono=False, anchor="la"):
        self.d.text(self.px(x, y), text, font=self.font(size, bold, mono), fill=fill, anchor=anchor)

    def line(self, x1, y1, x2, y2, fill=LINE, width=1):
        self.d.line(self.px(x1, y1, x2, y2), fill=fill, width=max(1, round(width * self.s)))

    # Widgets -------------------------------------------------------------

    def header(self, service, color=BRAND, user="管理者 太郎"):
        self.rect(0, 0, self.width, 48, fill=color)
        self.text(20, 24, service, 18, WHITE, bold=True, anchor="lm")
        self.text(self.width - 20, 24, user + "　▼", 13, WHITE, anchor="rm")

    def sidebar(self, items, active, top=48):
        self.rect(0, top, 200, self.height - top, fill=WHITE)
        self.line(200, top, 200, self.height)
        for i, item in enumerate(items):
            y = top + 16 + i * 36
            if i == active:
                self.rect(0, y - 4, 200, 32, fill=(230, 242, 251))
                self.rect(0, y - 4, 4, 32, fill=BRAND)
            self.text(20, y + 12, item, 13, BRAND if i == active else INK, bold=i == active, anchor="lm")

    def field(self, x, y, w, label, value="", secret=False, focus=False):
        self.text(x, y, label, 13, MUTED)
        self.rect(x, y + 20, w, 34, fill=FIELD, outline=FOCUS if focus else LINE, radius=4,
                  width=2 if focus else 1)
        shown = "●" * len(value) if secret else value
        if shown:
            self.text(x + 10, y + 37, shown, 14, INK, anchor="lm")

    def button(self, x, y, label, primary=True, w=None):
        w = w or 40 + len(label) * 14
        self.rect(x, y, w, 36, fill=BRAND if primary else WHITE, outline=BRAND, radius=4)
        self.text(x + w / 2, y + 18, label, 14, WHITE if primary else BRAND, bold=primary, anchor="mm")
        return w

    def checkbox(self, x, y, label, checked=False):
        self.rect(x, y, 16, 16, fill=BRAND if checked else WHITE, outline=BRAND if checked else MUTED, radius=3)
        if checked:
            self.d.line(self.px(x + 3, y + 8, x + 7, y + 12, x + 13, y + 4), fill=WHITE,
                        width=max(2, round(2 * self.s)))
        self.text(x + 24, y + 8, label, 13, INK, anchor="lm")

    def table(self, x, y, widths, rows, row_h=36):
        total = sum(widths)
        for r, row in enumerate(rows):
            top = y + r * row_h
            fill = (236, 240, 244) if r == 0 else (ROW_ALT if r % 2 == 0 else WHITE)
            self.rect(x, top, total, row_h, fill=fill)
            self.line(x, top + row_h, x + total, top + row_h)
            cx = x
            for w, cell in zip(widths, row):
                self.text(cx + 12, top + row_h / 2, cell, 13, INK, bold=r == 0, anchor="lm")
                cx += w

    def save(self, name, **kwargs):
        path = OUT / name
        self.img.save(path, **kwargs)
        return path


# Screens -----------------------------------------------------------------

def login_screen(service, color, footer):
    """Login form with a 'trouble logging in' link."""
    c = Canvas(800, 560)
    c.rect(0, 0, 800, 6, fill=color)
    c.rect(220, 60, 360, 430, fill=WHITE, outline=LINE, radius=8)
    c.text(400, 110, service, 26, color, bold=True, anchor="mm")
    c.text(400, 145, "ログイン", 15, MUTED, anchor="mm")
    c.field(250, 175, 300, "ログイン名", "admin")
    c.field(250, 250, 300, "パスワード", "password", secret=True)
    c.checkbox(250, 325, "ログイン名を保存する", checked=True)
    c.button(250, 360, "ログイン", w=300)
    c.text(400, 430, "ログインでお困りですか？", 13, color, anchor="mm")
    c.line(330, 440, 470, 440, fill=color)
    c.text(400, 530, footer, 11, MUTED, anchor="mm")
    return c


def email_screen():
    """The password-reset form asking for an e-mail address."""
    c = Canvas(800, 420)
    c.rect(0, 0, 800, 6, fill=BRAND)
    c.rect(160, 50, 480, 320, fill=WHITE, outline=LINE, radius=8)
    c.text(400, 95, "パスワードのリセット", 20, INK, bold=True, anchor="mm")
    c.text(400, 135, "ユーザー情報に登録されているメールアドレスを入力してください。", 13, MUTED, anchor="mm")
    c.text(400, 155, "パスワード再設定URLを記載したメールを送信します。", 13, MUTED, anchor="mm")
    c.field(200, 185, 400, "メールアドレス", "admin@example.com", focus=True)
    c.button(200, 270, "パスワードリセット", w=400)
    c.text(400, 335, "ログイン画面に戻る", 13, BRAND, anchor="mm")
    return c


def browser_with_login():
    """A browser window showing the login page's address (saved as JPEG)."""
    c = Canvas(960, 600, bg=(222, 225, 230))
    # Soft vertical gradient behind the page, the kind of content JPEG suits.
    for y in range(90, 600):
        t = (y - 90) / 510
        c.line(0, y, 960, y, fill=(round(214 + 30 * t), round(230 + 16 * t), round(245 + 5 * t)))
    c.rect(0, 0, 960, 44, fill=(222, 225, 230))
    for i, col in enumerate([(237, 106, 94), (245, 191, 79), (98, 197, 84)]):
        c.d.ellipse(c.px(16 + i * 20, 16, 28 + i * 20, 28), fill=col)
    c.rect(90, 8, 220, 36, fill=WHITE, radius=6)
    c.text(104, 26, "cybozu.com ログイン", 12, INK, anchor="lm")
    c.rect(0, 44, 960, 46, fill=WHITE)
    c.rect(90, 52, 760, 30, fill=(241, 243, 244), radius=15)
    c.text(110, 67, "https://example.cybozu.com/login?redirect=https%3A%2F%2Fexample.cybozu.com%2Fk%2F",
           13, INK, anchor="lm")
    c.rect(330, 160, 300, 300, fill=WHITE, outline=LINE, radius=8)
    c.text(480, 200, "cybozu.com", 22, BRAND, bold=True, anchor="mm")
    c.field(355, 230, 250, "ログイン名")
    c.field(355, 300, 250, "パスワード")
    c.button(355, 385, "ログイン", w=250)
    return c


def user_list(scale):
    """The user list of the admin console, at a HiDPI scale."""
    c = Canvas(1000, 580, scale=scale)
    c.header("cybozu.com 共通管理")
    c.sidebar(["組織/ユーザー", "管理者の設定", "ライセンスの管理", "セキュリティ", "サービスの管理者", "ログ"], 0)
    c.text(230, 80, "組織/ユーザー", 20, INK, bold=True, anchor="lm")
    c.rect(230, 104, 360, 34, fill=WHITE, outline=LINE, radius=4)
    c.text(242, 121, "ユーザー名、ログイン名、メールアドレスで検索", 13, MUTED, anchor="lm")
    c.button(830, 103, "ユーザーを追加する", w=150)
    rows = [["表示名", "ログイン名", "メールアドレス", "状態", ""]]
    people = [
        ("佐藤 花子", "sato.hanako", "hanako.sato@example.com", "使用中"),
        ("田中 一郎", "tanaka.ichiro", "ichiro.tanaka@example.com", "使用中"),
        ("鈴木 次郎", "suzuki.jiro", "jiro.suzuki@example.com", "停止中"),
        ("高橋 美咲", "takahashi.misaki", "misaki.takahashi@example.com", "使用中"),
        ("John Smith", "john.smith", "john.smith@example.com", "使用中"),
        ("伊藤 健太", "ito.kenta", "kenta.ito@example.com", "使用中"),
        ("渡辺 結衣", "watanabe.yui", "yui.watanabe@example.com", "使用中"),
        ("山本 大輔", "yamamoto.daisuke", "daisuke.yamamoto@example.com", "停止中"),
        ("中村 さくら", "nakamura.sakura", "sakura.nakamura@example.com", "使用中"),
    ]
    rows += [[a, b, e, s, "編集"] for a, b, e, s in people]
    c.table(230, 160, [150, 170, 260, 90, 80], rows)
    c.text(230, 545, "9件中 1～9件を表示", 12, MUTED, anchor="lm")
    return c


def password_form():
    """The admin's change-password dialog for a user."""
    c = Canvas(900, 560)
    c.header("cybozu.com 共通管理")
    c.sidebar(["組織/ユーザー", "管理者の設定", "ライセンスの管理", "セキュリティ"], 0)
    c.text(230, 80, "パスワードの変更：佐藤 花子（sato.hanako）", 18, INK, bold=True, anchor="lm")
    c.rect(230, 105, 640, 420, fill=WHITE, outline=LINE, radius=6)
    c.field(260, 130, 360, "新しいパスワード", "Sakura#2026", secret=True, focus=True)
    c.field(260, 205, 360, "新しいパスワード（確認用）", "Sakura#2026", secret=True)
    c.rect(260, 280, 580, 96, fill=(245, 248, 252), radius=4)
    for i, rule in enumerate(["✓ 8文字以上、72文字以内", "✓ 英大文字・英小文字・数字・記号のうち3種類以上",
                              "✓ ログイン名と異なる"]):
        c.text(276, 300 + i * 26, rule, 13, (46, 125, 50), anchor="lm")
    c.checkbox(260, 395, "次回ログイン時にパスワードの変更を求める", checked=True)
    c.button(260, 450, "保存")
    c.button(360, 450, "キャンセル", primary=False)
    return c


def domain_id():
    """The licence page showing the domain ID."""
    c = Canvas(900, 440)
    c.header("cybozu.com 共通管理")
    c.sidebar(["組織/ユーザー", "管理者の設定", "ライセンスの管理", "セキュリティ"], 2)
    c.text(230, 80, "ライセンスの管理", 20, INK, bold=True, anchor="lm")
    c.rect(230, 105, 640, 70, fill=WHITE, outline=LINE, radius=6)
    c.text(250, 140, "ドメインID", 13, MUTED, anchor="lm")
    c.text(360, 140, "c1a2b3c4", 18, INK, bold=True, mono=True, anchor="lm")
    c.rect(352, 122, 112, 36, outline=WARN, radius=4, width=3)
    c.text(500, 140, "サブドメイン：example", 13, MUTED, anchor="lm")
    c.table(230, 200, [180, 200, 120, 140], [
        ["サービス", "コース", "ライセンス数", "使用中"],
        ["kintone", "スタンダードコース", "50", "47"],
        ["Garoon", "300ユーザー未満", "50", "45"],
        ["メールワイズ", "－", "10", "10"],
    ])
    return c


def licence_plan():
    """Licence overview with usage bars."""
    c = Canvas(900, 400)
    c.header("cybozu.com 共通管理")
    c.sidebar(["組織/ユーザー", "管理者の設定", "ライセンスの管理", "セキュリティ"], 2)
    c.text(230, 80, "ライセンスの管理", 20, INK, bold=True, anchor="lm")
    for i, (name, used, total) in enumerate([("kintone", 47, 50), ("Garoon", 45, 50), ("メールワイズ", 10, 10)]):
        y = 120 + i * 80
        c.rect(230, y, 640, 64, fill=WHITE, outline=LINE, radius=6)
        c.text(250, y + 20, name, 15, INK, bold=True, anchor="lm")
        c.text(850, y + 20, f"{used} / {total} ユーザー", 13, MUTED, anchor="rm")
        c.rect(250, y + 40, 600, 10, fill=(230, 234, 238), radius=5)
        c.rect(250, y + 40, 600 * used / total, 10, fill=WARN if used == total else BRAND, radius=5)
    return c


def csv_import():
    """The CSV import form."""
    c = Canvas(900, 480)
    c.header("cybozu.com 共通管理")
    c.sidebar(["組織/ユーザー", "管理者の設定", "ライセンスの管理", "セキュリティ"], 0)
    c.text(230, 80, "CSVファイルから読み込む", 20, INK, bold=True, anchor="lm")
    c.rect(230, 105, 640, 340, fill=WHITE, outline=LINE, radius=6)
    c.text(250, 135, "文字コード", 13, MUTED, anchor="lm")
    c.rect(250, 150, 240, 34, fill=FIELD, outline=LINE, radius=4)
    c.text(262, 167, "UTF-8（BOMなし）", 14, INK, anchor="lm")
    c.text(478, 167, "▼", 11, MUTED, anchor="rm")
    c.checkbox(250, 205, "1行目を見出しとして扱う", checked=True)
    c.rect(250, 245, 600, 110, fill=(248, 250, 252), outline=FOCUS, radius=6)
    c.text(550, 285, "ここにCSVファイルをドラッグ＆ドロップ", 14, MUTED, anchor="mm")
    c.text(550, 315, "users_20260401.csv（12KB）", 13, BRAND, mono=True, anchor="mm")
    c.button(250, 380, "読み込む")
    return c


def store_login():
    """The store's login screen (another brand colour)."""
    c = login_screen("cybozu.com ストア", (0, 133, 119), "© Cybozu, Inc.")
    return c


def payment_form():
    """Payment method form (saved as JPEG)."""
    c = Canvas(900, 500, bg=(246, 244, 240))
    c.rect(0, 0, 900, 56, fill=(0, 133, 119))
    c.text(24, 28, "cybozu.com ストア", 18, WHITE, bold=True, anchor="lm")
    c.text(60, 100, "支払い方法の変更", 22, INK, bold=True, anchor="lm")
    for i, (label, sub, checked) in enumerate([
            ("クレジットカード払い", "毎月1日に自動で決済します", False),
            ("請求書払い", "与信審査があります（3営業日程度）", True)]):
        y = 140 + i * 90
        c.rect(60, y, 780, 74, fill=WHITE, outline=(0, 133, 119) if checked else LINE, radius=6,
               width=2 if checked else 1)
        c.d.ellipse(c.px(84, y + 27, 104, y + 47), outline=(0, 133, 119), width=2)
        if checked:
            c.d.ellipse(c.px(89, y + 32, 99, y + 42), fill=(0, 133, 119))
        c.text(120, y + 26, label, 15, INK, bold=True, anchor="lm")
        c.text(120, y + 50, sub, 12, MUTED, anchor="lm")
    c.field(60, 330, 380, "請求先の会社名", "株式会社サンプル")
    c.field(460, 330, 380, "請求書の送付先メールアドレス", "billing@example.co.jp")
    c.button(60, 420, "確認", w=120)
    return c


def two_factor_dialog():
    """A floating dialog with transparent rounded corners and a shadow (RGBA)."""
    w, h, pad = 520, 420, 24
    img = Image.new("RGBA", (w + 2 * pad, h + 2 * pad), (0, 0, 0, 0))
    shadow = Image.new("RGBA", img.size, (0, 0, 0, 0))
    ImageDraw.Draw(shadow).rounded_rectangle((pad, pad + 6, pad + w, pad + h + 6), 14, fill=(0, 0, 0, 90))
    img = Image.alpha_composite(img, shadow.filter(ImageFilter.GaussianBlur(10)))
    c = Canvas(w + 2 * pad, h + 2 * pad, bg=(0, 0, 0, 0), mode="RGBA")
    c.img = img
    c.d = ImageDraw.Draw(c.img)
    c.rect(pad, pad, w, h, fill=WHITE, radius=14)
    c.text(pad + 24, pad + 32, "2要素認証の設定", 18, INK, bold=True, anchor="lm")
    c.text(pad + w - 24, pad + 32, "×", 20, MUTED, anchor="rm")
    c.line(pad, pad + 60, pad + w, pad + 60)
    c.text(pad + 24, pad + 86, "認証アプリでQRコードを読み取ってください。", 13, INK, anchor="lm")
    # A deterministic QR-like pattern.
    qx, qy, cell = pad + 170, pad + 110, 6
    c.rect(qx - 8, qy - 8, 25 * cell + 16, 25 * cell + 16, fill=WHITE, outline=LINE)
    for row in range(25):
        for col in range(25):
            finder = any(row in range(r, r + 7) and col in range(k, k + 7) for r, k in ((0, 0), (0, 18), (18, 0)))
            if finder:
                on = row in (0, 6, 18, 24) or col in (0, 6, 18, 24) or (
                    (row % 18) in range(2, 5) and (col % 18) in range(2, 5))
            else:
                on = (row * 2654435761 + col * 40503 + row * col * 97) % 1009 < 470
            if on:
                c.rect(qx + col * cell, qy + row * cell, cell, cell, fill=INK)
    c.text(pad + w / 2, pad + 290, "QRコードを読み取れない場合", 13, BRAND, anchor="mm")
    c.field(pad + 24, pad + 310, 300, "確認コード（6桁）", "492 731")
    c.button(pad + 344, pad + 330, "有効にする", w=152)
    return c


def gear_icon():
    """A 24 px settings (gear) icon with alpha, as help sites place inside sentences."""
    import math
    size, scale = 24, 8
    big = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    d = ImageDraw.Draw(big)
    cx = cy = size * scale / 2
    outer, inner, hole = 11 * scale, 8 * scale, 3.2 * scale
    points = []
    for i in range(32):
        angle = math.pi * 2 * i / 32
        r = outer if (i // 2) % 2 == 0 else inner
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    d.polygon(points, fill=MUTED + (255,))
    d.ellipse((cx - inner * 0.9, cy - inner * 0.9, cx + inner * 0.9, cy + inner * 0.9), fill=MUTED + (255,))
    d.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=(0, 0, 0, 0))
    return big.resize((size, size), Image.LANCZOS)


def ip_diagram():
    """A grayscale diagram of IP address restriction (mode L)."""
    c = Canvas(880, 360, bg=255, mode="L")
    def box(x, y, w, h, title, sub, shade):
        c.rect(x, y, w, h, fill=shade, outline=60, radius=8, width=2)
        c.text(x + w / 2, y + h / 2 - 12, title, 15, 20, bold=True, anchor="mm")
        c.text(x + w / 2, y + h / 2 + 14, sub, 12, 70, anchor="mm")
    box(30, 40, 220, 90, "社内ネットワーク", "203.0.113.10", 235)
    box(30, 230, 220, 90, "社外（自宅・外出先）", "許可されていないIP", 215)
    box(610, 130, 240, 110, "cybozu.com", "アクセス制限", 240)
    c.line(250, 85, 610, 170, fill=40, width=3)  # label sits above this line
    c.text(440, 100, "許可：ログイン画面を表示", 13, 20, anchor="mm")
    c.line(250, 275, 610, 205, fill=120, width=3)
    c.text(440, 278, "拒否、またはBasic認証", 13, 20, anchor="mm")
    c.text(596, 170, "▶", 16, 40, anchor="mm")
    c.text(596, 205, "▶", 16, 120, anchor="mm")
    return c


def save_plain(img, name, **kwargs):
    """Saves a plain PIL image into the output folder and returns its path."""
    path = OUT / name
    img.save(path, **kwargs)
    return path


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    png = {"optimize": True}
    written = [
        login_screen("cybozu.com", BRAND, "© Cybozu, Inc.").save("admin_account_img03.png", **png),
        login_screen("Kintone", BRAND_US, "© Kintone Corporation").save("admin_account_img01_us.png", **png),
        email_screen().save("admin_account_img02.png", **png),
        browser_with_login().save("login_img01.jpg", quality=85, optimize=True),
        two_factor_dialog().save("two_factor_dialog.png", **png),
        user_list(2.6).save("user_list.png", **png),
        password_form().save("edit_userpw_img01.png", **png),
        domain_id().save("domainid_img01.png", **png),
        licence_plan().save("plan_img01.png", **png),
        csv_import().save("csv_user_img01.png", **png),
        store_login().save("admin_temp_img01.png", **png),
        payment_form().save("payment_img01.jpg", quality=85, optimize=True),
        ip_diagram().save("ip_restriction_diagram.png", **png),
        save_plain(gear_icon(), "icon_gear.png", **png),
    ]
    total = 0
    for path in written:
        with Image.open(path) as im:
            size = path.stat().st_size
            total += size
            print(f"{path.relative_to(ROOT)}  {im.width}x{im.height} {im.mode}  {size // 1024} KiB")
    print(f"total {total // 1024} KiB")


if __name__ == "__main__":
    main()
