namespace Search.Cli.Plotting;

public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    public static readonly Rgba White = new(255, 255, 255);
    public static readonly Rgba Black = new(0, 0, 0);
}

/// <summary>An RGBA image in memory with the few drawing operations a chart needs; drawing outside it is clipped.</summary>
public sealed class Raster
{
    public Raster(int width, int height, Rgba background)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 4];
        FillRectangle(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Rows top to bottom, 4 bytes (R, G, B, A) per pixel.</summary>
    public byte[] Pixels { get; }

    public Rgba this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * 4;
            return new Rgba(Pixels[i], Pixels[i + 1], Pixels[i + 2], Pixels[i + 3]);
        }
    }

    public void SetPixel(int x, int y, Rgba color)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }

        var i = ((y * Width) + x) * 4;
        Pixels[i] = color.R;
        Pixels[i + 1] = color.G;
        Pixels[i + 2] = color.B;
        Pixels[i + 3] = color.A;
    }

    public void FillRectangle(int x, int y, int width, int height, Rgba color)
    {
        for (var row = Math.Max(0, y); row < Math.Min(Height, y + height); row++)
        {
            for (var column = Math.Max(0, x); column < Math.Min(Width, x + width); column++)
            {
                SetPixel(column, row, color);
            }
        }
    }

    /// <summary>A straight line (Bresenham) <paramref name="thickness"/> pixels wide; <paramref name="dash"/> &gt; 0 draws dashes of that length.</summary>
    public void DrawLine(int x0, int y0, int x1, int y1, Rgba color, int thickness = 1, int dash = 0)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
        var error = dx + dy;
        var step = 0;
        var offset = (thickness - 1) / 2;
        while (true)
        {
            if (dash == 0 || (step / dash) % 2 == 0)
            {
                FillRectangle(x0 - offset, y0 - offset, thickness, thickness, color);
            }

            if (x0 == x1 && y0 == y1)
            {
                return;
            }

            step++;
            var twice = 2 * error;
            if (twice >= dy)
            {
                error += dy;
                x0 += sx;
            }

            if (twice <= dx)
            {
                error += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>Text in the built-in 5×7 font, <paramref name="scale"/> pixels per font dot, top-left at (x, y).</summary>
    public void DrawText(int x, int y, string text, Rgba color, int scale = 1)
    {
        foreach (var c in text)
        {
            var rows = BitmapFont.Glyph(c);
            for (var row = 0; row < BitmapFont.Height; row++)
            {
                for (var column = 0; column < BitmapFont.Width; column++)
                {
                    if ((rows[row] & (1 << (BitmapFont.Width - 1 - column))) != 0)
                    {
                        FillRectangle(x + (column * scale), y + (row * scale), scale, scale, color);
                    }
                }
            }

            x += BitmapFont.Advance * scale;
        }
    }

    public static int TextWidth(string text, int scale = 1) => text.Length == 0 ? 0 : ((text.Length * BitmapFont.Advance) - 1) * scale;
}
