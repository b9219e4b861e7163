using System;
using System.Globalization;
using System.Management.Automation.Host;

namespace PSSocket.Runner
{
    /// <summary>
    /// The console's geometry and colors. Out-Default lays tables out to BufferSize.Width: the terminal's width,
    /// else $env:COLUMNS, else 120 columns when output is redirected.
    /// </summary>
    internal sealed class RunnerRawUserInterface : PSHostRawUserInterface
    {
        private const int DefaultWidth = 120;
        private const int DefaultHeight = 50;
        private string _windowTitle = "PSSocket.Runner";

        public override ConsoleColor ForegroundColor
        {
            get => Safe(() => Console.ForegroundColor, ConsoleColor.Gray);
            set => Safe(() => Console.ForegroundColor = value, value);
        }

        public override ConsoleColor BackgroundColor
        {
            get => Safe(() => Console.BackgroundColor, ConsoleColor.Black);
            set => Safe(() => Console.BackgroundColor = value, value);
        }

        public override Coordinates CursorPosition
        {
            get => Safe(() => new Coordinates(Console.CursorLeft, Console.CursorTop), new Coordinates(0, 0));
            set => Safe(() => { Console.SetCursorPosition(value.X, value.Y); return 0; }, 0);
        }

        public override Coordinates WindowPosition { get; set; } = new Coordinates(0, 0);

        public override int CursorSize { get; set; } = 25;

        public override Size BufferSize
        {
            get => new Size(Width, 9999);
            set
            {
                // The runner does not resize the terminal.
            }
        }

        public override Size WindowSize
        {
            get => new Size(Width, Height);
            set
            {
                // The runner does not resize the terminal.
            }
        }

        public override Size MaxWindowSize => WindowSize;

        public override Size MaxPhysicalWindowSize => WindowSize;

        public override bool KeyAvailable => !Console.IsInputRedirected && Safe(() => Console.KeyAvailable, false);

        public override string WindowTitle
        {
            get => _windowTitle;
            set => _windowTitle = value ?? string.Empty;
        }

        private static int Width
        {
            get
            {
                if (!Console.IsOutputRedirected)
                {
                    int width = Safe(() => Console.WindowWidth, 0);
                    if (width > 0)
                    {
                        return width;
                    }
                }

                string? columns = Environment.GetEnvironmentVariable("COLUMNS");
                return int.TryParse(columns, NumberStyles.Integer, CultureInfo.InvariantCulture, out int fromEnv) && fromEnv > 0
                    ? fromEnv
                    : DefaultWidth;
            }
        }

        private static int Height
        {
            get
            {
                int height = Console.IsOutputRedirected ? 0 : Safe(() => Console.WindowHeight, 0);
                return height > 0 ? height : DefaultHeight;
            }
        }

        public override KeyInfo ReadKey(ReadKeyOptions options)
        {
            ConsoleKeyInfo key = Console.ReadKey((options & ReadKeyOptions.NoEcho) != 0);
            ControlKeyStates state = 0;
            if ((key.Modifiers & ConsoleModifiers.Shift) != 0)
            {
                state |= ControlKeyStates.ShiftPressed;
            }

            if ((key.Modifiers & ConsoleModifiers.Control) != 0)
            {
                state |= ControlKeyStates.LeftCtrlPressed;
            }

            if ((key.Modifiers & ConsoleModifiers.Alt) != 0)
            {
                state |= ControlKeyStates.LeftAltPressed;
            }

            return new KeyInfo((int)key.Key, key.KeyChar, state, keyDown: true);
        }

        public override void FlushInputBuffer()
        {
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) =>
            throw new NotSupportedException("PSSocket.Runner cannot read back the console's screen buffer.");

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) =>
            throw new NotSupportedException("PSSocket.Runner cannot write the console's screen buffer directly.");

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) =>
            throw new NotSupportedException("PSSocket.Runner cannot write the console's screen buffer directly.");

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) =>
            throw new NotSupportedException("PSSocket.Runner cannot scroll the console's screen buffer.");

        private static T Safe<T>(Func<T> read, T fallback)
        {
            try
            {
                return read();
            }
            catch (Exception e) when (e is System.IO.IOException || e is InvalidOperationException || e is PlatformNotSupportedException || e is ArgumentException)
            {
                return fallback;
            }
        }
    }
}
