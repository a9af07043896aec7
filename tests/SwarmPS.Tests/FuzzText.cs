using System;
using System.Text;

namespace SwarmPS.Tests
{
    /// <summary>Random text for the parsers' fuzz tests: characters of an alphabet, lone surrogates and valid surrogate pairs.</summary>
    internal static class FuzzText
    {
        /// <summary>
        /// Appends <paramref name="length"/> picks. Each pick is a character of <paramref name="alphabet"/>, or one
        /// of <paramref name="extraSlots"/> extra outcomes: the first is a lone surrogate, the rest a valid pair.
        /// </summary>
        internal static StringBuilder Append(StringBuilder builder, Random random, string alphabet, int length, int extraSlots)
        {
            for (int index = 0; index < length; index++)
            {
                int pick = random.Next(alphabet.Length + extraSlots);
                if (pick < alphabet.Length)
                {
                    builder.Append(alphabet[pick]);
                }
                else if (pick == alphabet.Length)
                {
                    builder.Append((char)random.Next(0xD800, 0xE000)); // a lone surrogate
                }
                else
                {
                    builder.Append(char.ConvertFromUtf32(random.Next(0x1F600, 0x1F650))); // a valid pair
                }
            }

            return builder;
        }
    }
}
