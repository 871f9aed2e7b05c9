// Decodes the image posted to /infer: binary PGM (P5, maxval up to 255), or raw 8-bit
// grayscale bytes forming a square. Pixels come out in [0, 1].
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace userscale::server {

struct GrayImage {
  std::size_t width = 0;
  std::size_t height = 0;
  std::vector<float> pixels;  // row-major
};

Result<GrayImage> decode_gray_image(std::string_view bytes);
// Nearest-neighbour resampling to side x side.
std::vector<float> resize_nearest(const GrayImage& img, std::size_t side);

}  // namespace userscale::server
